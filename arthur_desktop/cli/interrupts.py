"""Ctrl-C, SIGTERM and SIGHUP end a command cleanly: the work in hand is put back, then one line and 128 + N.

Python's own SIGTERM ends the process on the spot, claims and all; here each of these signals raises
Interrupted where the program is, so that a delivery releases its claim on the way out (services.deliveries).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from services.deliveries import DeliveryInterrupted

HANDLED_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(KeyboardInterrupt):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def signals_raise_interrupted() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in HANDLED_SIGNALS}
    for signum in HANDLED_SIGNALS:
        signal.signal(signum, _raise_interrupted)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def ignore_further_signals() -> None:
    """Once the program is on its way out, another Ctrl-C must not cut its last line short with a traceback."""
    for signum in HANDLED_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def exit_code(interruption: KeyboardInterrupt) -> int:
    """128 + the signal's number, as a shell reports a program a signal ended: 130 for Ctrl-C, 143 for SIGTERM."""
    cause: BaseException | None = interruption
    while cause is not None:
        if isinstance(cause, Interrupted):
            return 128 + cause.signum
        cause = cause.__cause__ or cause.__context__
    return 128 + signal.SIGINT


def describe(interruption: KeyboardInterrupt) -> str:
    if isinstance(interruption, DeliveryInterrupted):
        if interruption.delivered:
            return f"interrupted; delivery {interruption.delivery_id} had been delivered"
        return f"interrupted; delivery {interruption.delivery_id} is queued for a retry"
    return "interrupted"


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)
