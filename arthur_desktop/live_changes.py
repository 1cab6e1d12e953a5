"""Live changes from other desktops: on PostgreSQL a thread LISTENs and the window refreshes at once.

SQLite has no notifications (open_change_listener returns None and the thread ends at once); there the
window's automatic refresh shows other desktops' changes.
"""

from __future__ import annotations

import logging
import math
import random
from time import monotonic

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from arthur_desktop.messages import error_message
from services.storage.change_feed import ChangeListener, Noticed, noticed, open_change_listener
from services.storage.database import Database

log = logging.getLogger(__name__)

WAIT_SECONDS = 0.5  # how long one wait blocks, so a stop request is seen within about half a second
RECONNECT_SECONDS = 10.0
DEBOUNCE_MS = 250
# Every desktop of a team hears a notice at the same moment; each waits a random part of this more, so that their
# reloads reach the server spread over a second rather than all at once (benchmarks/desktops.py).
SPREAD_MS = 1000


class ListenerThread(QThread):
    """Waits for notices in short slices and stops when asked (requestInterruption)."""

    # the notices, e.g. ["chat:2", "delivery:1"], and ChangeListener.chats_received (a float, or None)
    notices_heard = Signal(list, object)
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
                self.notices_heard.emit(notices, listener.chats_received)

    def _pause(self, seconds: float) -> None:
        deadline = monotonic() + seconds
        while not self.isInterruptionRequested() and monotonic() < deadline:
            self.msleep(50)


class LiveChanges(QObject):
    """Emits changed (on the GUI thread) with what the notices told of, shortly after the first of a burst."""

    changed = Signal(object)  # services.storage.change_feed.Noticed
    listening = Signal()
    failed = Signal(str)

    def __init__(
        self,
        database: Database,
        parent: QObject | None = None,
        *,
        debounce_ms: int = DEBOUNCE_MS,
        spread_ms: int = SPREAD_MS,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._thread: ListenerThread | None = None
        self._debounce = QTimer(self, singleShot=True, interval=debounce_ms + random.randrange(spread_ms + 1))
        self._debounce.timeout.connect(self._tell)
        self._notices: list[str] = []
        self._deferred: Noticed | None = None
        self._chats_changed_at: float | None = None  # time.monotonic() when the last chat's notice was received

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

    def seconds_since_chats_changed(self) -> float:
        """Since the last notice of a changed chat came (after its change was committed); infinity before the
        first. A delivery's notice does not count: no report adds deliveries up."""
        return math.inf if self._chats_changed_at is None else monotonic() - self._chats_changed_at

    def defer(self, what: Noticed) -> None:
        """Tell of it again a little later (with any newer notices), e.g. while the window's last refresh loads."""
        self._deferred = what if self._deferred is None else self._deferred | what
        self._debounce.start()

    @Slot(list, object)
    def _heard(self, notices: list[str], chats_received: float | None) -> None:
        log.debug("Changes from other desktops: %s", ", ".join(notices))
        # Not restarted on every notice: a steady stream of notices must still lead to refreshes.
        self._notices += notices
        if chats_received is not None:
            self._chats_changed_at = chats_received
        if not self._debounce.isActive():
            self._debounce.start()

    @Slot()
    def _tell(self) -> None:
        what = noticed(self._notices)
        if self._deferred is not None:
            what = what | self._deferred
        self._notices, self._deferred = [], None
        self.changed.emit(what)
