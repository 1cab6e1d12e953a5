"""When the window reads what again: the automatic refresh, another desktop's notices, and how old a team's shared
report may be (services.shared_reports)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot

from arthur_desktop.live_changes import DEBOUNCE_MS
from services.shared_reports import reuse_seconds_for
from services.storage.change_feed import Noticed

if TYPE_CHECKING:
    from arthur_desktop.main_window import MainWindow


class WindowRefresh(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        # A whole refresh that found a load still running tries again a little later (a notice's retry, by
        # live_changes.defer, reloads the lists only).
        self._retry = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._retry.timeout.connect(self.refresh_when_idle)
        window.refresh_timer.timeout.connect(self.refresh_when_idle)
        window.live_changes.changed.connect(self.show_live_changes)

    def stop(self) -> None:
        """The window closes: no retry of a refresh is left to go off."""
        self._retry.stop()

    def reuse_seconds(self) -> float:
        """How old a team's shared report may be: half the refresh interval, and never from before the last chat
        another desktop told of a change to (a report worked out since then has seen it)."""
        half = reuse_seconds_for(self._window.context.config.refresh_seconds)
        return min(half, self._window.live_changes.seconds_since_chats_changed())

    @Slot()
    def refresh_when_idle(self) -> None:
        """The automatic and live refreshes: while a load runs (it may have read before the change), retry soon."""
        window = self._window
        if any(window.runner.is_running(panel.SOURCE) for panel in window.loading_panels()):
            self._retry.start()
        else:
            window.refresh(self.reuse_seconds())

    @Slot(object)
    def show_live_changes(self, what: Noticed) -> None:
        """Another desktop changed a chat or a delivery: the chat list reads those chats again if it shows one of
        them, the deliveries list those deliveries. The performance table and the chart add up every chat, so they
        wait for the automatic refresh; otherwise each end would make every desktop of the team add up a million
        chats at the same moment (benchmarks/desktops.py)."""
        window = self._window
        if window.context.config.refresh_seconds <= 0:  # no automatic refresh to wait for
            self.refresh_when_idle()
            return
        chat_panel, deliveries_panel = window.chat_panel, window.deliveries_panel
        chats = what.other or any(chat_panel.model.row_for_key(chat_id) is not None for chat_id in what.chat_ids)
        deliveries = what.other or bool(what.delivery_ids)
        running = window.runner.is_running
        if (chats and running(chat_panel.SOURCE)) or (deliveries and running(deliveries_panel.SOURCE)):
            window.live_changes.defer(what)
            return
        if what.other:  # a notice of a kind this version does not know: both lists read again
            chat_panel.refresh()
            deliveries_panel.refresh()
            return
        if chats:
            chat_panel.refresh_changed(what.chat_ids)
        if deliveries:
            deliveries_panel.refresh_changed(what.delivery_ids)
