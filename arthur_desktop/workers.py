"""Slow work off the GUI thread: a QRunnable whose outcome comes back through signals, and a runner that keeps it.

A worker thread only calls the function and emits; the signals object lives on the GUI thread, so the
outcome is relayed there (queued) before `finished` or `failed` reach any widget. Starting a task under
a key that is still running cancels the older one's delivery: only the latest answer is shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

# A bound method of a QObject (a widget's slot), so Qt delivers the signal on that object's thread.
ResultSlot = Callable[[Any], None]


class WorkerSignals(QObject):
    finished = Signal(object)  # the function's return value
    failed = Signal(object)  # the exception it raised
    done = Signal(object)  # this signals object, after finished or failed, whether delivered or cancelled
    _result_ready = Signal(object)  # emitted on the worker thread
    _error_raised = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.cancelled = False
        self._result_ready.connect(self._relay_result)
        self._error_raised.connect(self._relay_error)

    @Slot(object)
    def _relay_result(self, result: object) -> None:
        if not self.cancelled:
            self.finished.emit(result)
        self.done.emit(self)

    @Slot(object)
    def _relay_error(self, error: object) -> None:
        if not self.cancelled:
            self.failed.emit(error)
        self.done.emit(self)


class Worker(QRunnable):
    def __init__(self, function: Callable[[], object]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner owns it until its outcome has been relayed
        self._function = function
        self.signals = WorkerSignals()

    def run(self) -> None:
        try:
            result = self._function()
        except Exception as exc:
            log.debug("Worker failed", exc_info=exc)
            self.signals._error_raised.emit(exc)
        else:
            self.signals._result_ready.emit(result)


class TaskRunner(QObject):
    """Starts workers on its own pool and keeps a reference to each until its outcome is delivered."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._running: set[Worker] = set()
        self._latest: dict[str, Worker] = {}
        self._retired: list[Worker] = []  # outcome delivered; dropped once no pool thread can be in run()

    @property
    def active_count(self) -> int:
        return len(self._running)

    def start(
        self,
        function: Callable[[], object],
        on_finished: ResultSlot,
        on_failed: ResultSlot,
        *,
        key: str | None = None,
    ) -> Worker:
        worker = Worker(function)
        worker.signals.finished.connect(on_finished)
        worker.signals.failed.connect(on_failed)
        worker.signals.done.connect(self._forget_finished)
        if key is not None:
            self.cancel(key)
            self._latest[key] = worker
        self._running.add(worker)
        if len(self._running) == 1:
            self.busy_changed.emit(True)
        self._pool.start(worker)
        return worker

    def is_running(self, key: str) -> bool:
        return key in self._latest

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until every worker has returned (their outcomes are delivered later, on the event loop)."""
        done = self._pool.waitForDone(msecs)
        if done:
            self._retired.clear()
        return done

    @Slot(object)
    def _forget_finished(self, signals: WorkerSignals) -> None:
        finished = {worker for worker in self._running if worker.signals is signals}
        self._running -= finished
        self._retired.extend(finished)
        self._latest = {key: worker for key, worker in self._latest.items() if worker not in finished}
        if self._pool.activeThreadCount() == 0:
            self._retired.clear()
        if finished and not self._running:
            self.busy_changed.emit(False)

    def cancel(self, key: str) -> None:
        """The running task under key (if any) still finishes, but its outcome is dropped."""
        older = self._latest.pop(key, None)
        if older is not None:
            older.signals.cancelled = True
