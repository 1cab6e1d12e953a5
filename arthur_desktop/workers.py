"""Slow work off the GUI thread: tasks run on worker threads and their outcomes come back through one signal.

A task's outcome is emitted on its worker thread through the runner's one `_outcome` signal, which Qt queues to
the GUI thread (the runner lives there); the runner then calls the task's `on_finished` or `on_failed`. Starting a
task under a key that is still running cancels the older one's delivery: only the latest answer is shown.

Why one signal and a Python thread pool rather than a QRunnable and a signals object per task: every connect()
and every QThreadPool.start() costs PySide a reference (PySide6 6.11 keeps an extra one to None; a QRunnable with
autoDelete off is kept by the pool for ever), and a window that refreshes all day runs hundreds of thousands of
tasks. Here a task makes no connection and hands Qt nothing but one emit.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

# A bound method of a QObject (a widget's slot), called on the GUI thread with the result or the exception.
ResultSlot = Callable[[Any], None]


@dataclass
class Task:
    number: int
    on_finished: ResultSlot
    on_failed: ResultSlot
    key: str | None = None
    cancelled: bool = False
    future: Future[None] | None = field(default=None, repr=False)


class TaskRunner(QObject):
    """Runs tasks on its own threads and delivers each outcome on the GUI thread, unless cancelled."""

    busy_changed = Signal(bool)
    task_done = Signal(int)  # the task's number, once its outcome was delivered or dropped
    _outcome = Signal(int, bool, object)  # emitted on a worker thread: number, succeeded, result or exception

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix="arthur-worker")
        self._numbers = itertools.count(1)
        self._running: dict[int, Task] = {}
        self._latest: dict[str, Task] = {}
        self._outcome.connect(self._deliver)

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
    ) -> Task:
        task = Task(next(self._numbers), on_finished, on_failed, key)
        if key is not None:
            self.cancel(key)
            self._latest[key] = task
        self._running[task.number] = task
        if len(self._running) == 1:
            self.busy_changed.emit(True)
        task.future = self._executor.submit(self._run, task.number, function)
        return task

    def is_running(self, key: str) -> bool:
        return key in self._latest

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until every task has returned (their outcomes are delivered later, on the event loop)."""
        futures = [task.future for task in self._running.values() if task.future is not None]
        _done, not_done = wait(futures, timeout=None if msecs < 0 else msecs / 1000)
        return not not_done

    def cancel(self, key: str) -> None:
        """The running task under key (if any) still finishes, but its outcome is dropped."""
        older = self._latest.pop(key, None)
        if older is not None:
            older.cancelled = True

    def _run(self, number: int, function: Callable[[], object]) -> None:
        """On a worker thread: only the function and one emit."""
        try:
            result = function()
        except Exception as exc:
            log.debug("Task failed", exc_info=exc)
            self._emit_outcome(number, False, exc)
        else:
            self._emit_outcome(number, True, result)

    def _emit_outcome(self, number: int, succeeded: bool, value: object) -> None:
        try:
            self._outcome.emit(number, succeeded, value)
        except RuntimeError:  # the window, and this runner with it, was destroyed while the task ran
            log.debug("Task %s finished after its runner was gone", number)

    @Slot(int, bool, object)
    def _deliver(self, number: int, succeeded: bool, value: object) -> None:
        task = self._running.pop(number, None)
        if task is None:
            return
        if task.key is not None and self._latest.get(task.key) is task:
            del self._latest[task.key]
        try:
            if not task.cancelled:
                (task.on_finished if succeeded else task.on_failed)(value)
        finally:
            self.task_done.emit(number)
            if not self._running:
                self.busy_changed.emit(False)
