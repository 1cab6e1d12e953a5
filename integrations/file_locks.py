"""Advisory locks between processes and threads, released by the operating system when a process dies,
so a killed delivery never leaves a lock behind."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

logger = logging.getLogger(__name__)

_FIRST_PAUSE_SECONDS = 0.002
_LONGEST_PAUSE_SECONDS = 0.05
_BUSY_ERRNOS = frozenset({errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, errno.EDEADLK})


@contextlib.contextmanager
def held(path: Path, *, wait_seconds: float, busy_message: str) -> Iterator[None]:
    """Hold the lock on path (created if missing) for the block. Waits up to wait_seconds for another holder,
    then raises TimeoutError(busy_message). Where the file system has no locks, goes on without one."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
    try:
        locked = _acquire(descriptor, path, wait_seconds, busy_message)
        try:
            yield
        finally:
            if locked:
                _unlock(descriptor)
    finally:
        os.close(descriptor)


def _acquire(descriptor: int, path: Path, wait_seconds: float, busy_message: str) -> bool:
    deadline = time.monotonic() + wait_seconds
    pause = _FIRST_PAUSE_SECONDS
    while True:
        try:
            _try_lock(descriptor)
        except OSError as exc:
            if exc.errno not in _BUSY_ERRNOS:
                logger.warning("Cannot lock %s (%s); going on without the lock", path, exc)
                return False
        else:
            return True
        if time.monotonic() >= deadline:
            raise TimeoutError(errno.ETIMEDOUT, busy_message)
        time.sleep(pause)
        pause = min(pause * 2, _LONGEST_PAUSE_SECONDS)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(descriptor: int) -> None:
        msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)

    def _unlock(descriptor: int) -> None:
        with contextlib.suppress(OSError):
            msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(descriptor: int) -> None:
        # flock, not fcntl locks: two threads of one process, each with its own descriptor, exclude each other.
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(descriptor: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_UN)
