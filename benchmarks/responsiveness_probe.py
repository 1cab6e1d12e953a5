"""The probe: a 5 ms timer on the GUI thread; the gaps between its ticks are how long the window froze.

A tick that comes 140 ms after the previous one means the event loop was busy (or blocked) for 140 ms: no input
was handled and nothing was painted. Qt's own layout and painting count, as they run on the same thread.
Python's full garbage-collection passes are timed too (they stop every thread), to tell them from our own work.
"""

from __future__ import annotations

import gc
import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer

TICK_MS = 5


@dataclass(frozen=True)
class Gaps:
    """The gaps (milliseconds) between ticks while one action ran, and how long it took to finish."""

    gaps_ms: tuple[float, ...]
    seconds: float
    finished: bool  # False when the action's work had not ended by the time limit
    full_collections_ms: tuple[float, ...] = ()  # Python's full garbage-collection passes meanwhile

    @property
    def longest_ms(self) -> float:
        return max(self.gaps_ms, default=0.0)

    @property
    def p99_ms(self) -> float:
        return percentile(self.gaps_ms, 0.99)


def percentile(values: tuple[float, ...], fraction: float) -> float:
    """The nearest-rank percentile (0.0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


class TickProbe(QObject):
    """measure(start, done): starts the action from the event loop, ticks until done() and a settling time more."""

    def __init__(self, settle_ms: int = 250, limit_seconds: float = 300, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settle_ms = settle_ms
        self._limit_seconds = limit_seconds
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._ticks: list[float] = []
        self._done: Callable[[], bool] | None = None
        self._finished_at: float | None = None
        self._loop: QEventLoop | None = None
        self._limit = QTimer(self)
        self._limit.setSingleShot(True)
        self._limit.timeout.connect(self._give_up)

    def measure(self, start: Callable[[], Callable[[], bool]]) -> Gaps:
        """start() gives real input to the window and returns done(), asked at every tick (it may give more
        input, as a person scrolling does); the gaps count from just before start() until settled."""
        self._ticks, self._finished_at = [], None
        loop = self._loop = QEventLoop()

        def begin() -> None:
            self._ticks.append(time.perf_counter())
            self._done = None
            self._timer.start()  # before the input: a dialog it opens runs its own event loop, which ticks too
            self._done = start()

        QTimer.singleShot(0, begin)
        self._limit.start(int(self._limit_seconds * 1000))
        began = time.perf_counter()
        with FullCollections() as collections:
            loop.exec()
        self._timer.stop()
        self._limit.stop()
        self._loop = None
        ticks = self._ticks
        gaps = tuple(round((b - a) * 1000, 2) for a, b in itertools.pairwise(ticks))
        ended = self._finished_at if self._finished_at is not None else time.perf_counter()
        finished = self._finished_at is not None
        return Gaps(gaps, round(ended - began, 3), finished, tuple(collections.durations_ms))

    def _give_up(self) -> None:
        if self._loop is not None:
            self._loop.quit()

    def _tick(self) -> None:
        now = time.perf_counter()
        self._ticks.append(now)
        if self._finished_at is None:
            if self._done is not None and self._done():
                self._finished_at = time.perf_counter()
        elif (now - self._finished_at) * 1000 >= self._settle_ms and self._loop is not None:
            self._loop.quit()


class FullCollections:
    """While entered: how long each of Python's full (generation 2) garbage-collection passes took."""

    def __init__(self) -> None:
        self.durations_ms: list[float] = []
        self._started: float | None = None

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self._observe)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._observe)

    def _observe(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        elif self._started is not None:
            self.durations_ms.append(round((time.perf_counter() - self._started) * 1000, 2))
            self._started = None
