"""Live changes from other desktops: on PostgreSQL a thread LISTENs and the window refreshes at once.

SQLite has no notifications (open_change_listener returns None and the thread ends at once); there the
window's automatic refresh shows other desktops' changes.
"""

from __future__ import annotations

import logging
from time import monotonic

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from arthur_desktop.messages import error_message
from services.storage.change_feed import ChangeListener, open_change_listener
from services.storage.database import Database

log = logging.getLogger(__name__)

WAIT_SECONDS = 0.5  # how long one wait blocks, so a stop request is seen within about half a second
RECONNECT_SECONDS = 10.0
DEBOUNCE_MS = 250


class ListenerThread(QThread):
    """Waits for notices in short slices and stops when asked (requestInterruption)."""

    notices_heard = Signal(list)  # the notices, e.g. ["chat:2", "delivery:1"]
    listening = Signal()
    failed = Signal(str)

    def __init__(self, database: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._database = database

    def run(self) -> None:
        while not self.isInterruptionRequested():
            try:
                listener = open_change_listener(self._database)
            except Exception as exc:
                self.failed.emit(error_message(exc))
                self._pause(RECONNECT_SECONDS)
                continue
            if listener is None:
                return
            with listener:
                self.listening.emit()
                self._listen(listener)

    def _listen(self, listener: ChangeListener) -> None:
        while not self.isInterruptionRequested():
            try:
                notices = listener.wait(WAIT_SECONDS)
            except Exception as exc:
                self.failed.emit(error_message(exc))
                self._pause(RECONNECT_SECONDS)
                return
            if notices:
                self.notices_heard.emit(notices)

    def _pause(self, seconds: float) -> None:
        deadline = monotonic() + seconds
        while not self.isInterruptionRequested() and monotonic() < deadline:
            self.msleep(50)


class LiveChanges(QObject):
    """Emits changed (on the GUI thread) shortly after the first of a burst of notices."""

    changed = Signal()
    listening = Signal()
    failed = Signal(str)

    def __init__(self, database: Database, parent: QObject | None = None, *, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self._database = database
        self._thread: ListenerThread | None = None
        self._debounce = QTimer(self, singleShot=True, interval=debounce_ms)
        self._debounce.timeout.connect(self.changed)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def start(self) -> None:
        if self._thread is not None:
            return
        thread = ListenerThread(self._database)
        thread.notices_heard.connect(self._heard)
        thread.listening.connect(self.listening)
        thread.failed.connect(self.failed)
        self._thread = thread
        thread.start()

    def stop(self) -> None:
        """Ask the thread to stop and wait for it: at most one wait slice, or a connection attempt."""
        thread, self._thread = self._thread, None
        self._debounce.stop()
        if thread is not None:
            thread.requestInterruption()
            thread.wait()

    def defer(self) -> None:
        """Try again a little later, e.g. while the window's last refresh is still loading."""
        self._debounce.start()

    @Slot(list)
    def _heard(self, notices: list[str]) -> None:
        log.debug("Changes from other desktops: %s", ", ".join(notices))
        # Not restarted on every notice: a steady stream of notices must still lead to refreshes.
        if not self._debounce.isActive():
            self._debounce.start()
