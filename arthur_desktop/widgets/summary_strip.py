"""The summary strip above the performance table: the floor's figures for the period, loaded off the GUI thread;
the longest wait keeps ticking every second from the loaded time, without asking the database again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QWidget

from arthur_desktop.messages import error_message
from arthur_desktop.widgets.summary_figures import (
    SERVICE_LEVEL,
    STRIP_TOOLTIP,
    TILES,
    WAITING,
    service_level_caption,
    service_level_tooltip,
    tile_texts,
    waiting_text,
)
from arthur_desktop.widgets.summary_tile import SummaryTile
from arthur_desktop.widgets.tile_layout import TileLayout
from arthur_desktop.workers import TaskRunner
from services.clock import utc_now
from services.floor_results import FloorSummary, ServiceLevelTarget
from services.results import TimeWindow
from services.shared_reports import shared_floor_summary
from services.storage.database import Database

log = logging.getLogger(__name__)

TICK_MS = 1000
# A tile is as wide as this caption (the longest but for a long target); a longer text is cut short with "…" and
# read in full in the tooltip and the accessible name.
_WIDTH_SAMPLE = "Service level (3m 00s)"
_TILE_PADDING = 14  # the tile's margins and border


class SummaryStrip(QFrame):
    SOURCE = "summary"
    loaded = Signal(str)  # SOURCE
    load_failed = Signal(str, str)  # SOURCE, the message

    def __init__(
        self,
        database: Database,
        runner: TaskRunner,
        time_window: Callable[[], TimeWindow | None],
        target: ServiceLevelTarget,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._runner = runner
        self._time_window = time_window
        self._target = target
        self.clock = clock or (lambda: utc_now())  # looked up on each call, so a test can stand in for it
        self.summary: FloorSummary | None = None
        self.setObjectName("summaryStrip")
        self.setAccessibleName("Summary of the period")
        self.setToolTip(STRIP_TOOLTIP)
        self.tiles = {key: SummaryTile(key, self) for key in TILES}
        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(TICK_MS)
        self.tick_timer.timeout.connect(self._tick)
        layout = TileLayout(self, tile_width=self._tile_width())
        layout.setContentsMargins(0, 0, 0, 4)
        for tile in self.tiles.values():
            layout.addWidget(tile)

    @Slot()
    def refresh(self, reuse_seconds: float = 0.0) -> None:
        """Load the figures; a team's shared ones younger than reuse_seconds will do (services.shared_reports)."""
        database, window, target, now = self._database, self._time_window(), self._target, self.clock()
        self._runner.start(
            lambda: shared_floor_summary(database, window, target, reuse_seconds, now=now),
            self._show_summary,
            self._show_failure,
            key=self.SOURCE,
        )

    def texts(self) -> dict[str, str]:
        """Each tile's caption and what it reads, as a person sees them (for tests and logs)."""
        return {
            tile.caption.text(): " · ".join(t for t in (tile.value.text(), tile.detail.text()) if t)
            for tile in self.tiles.values()
        }

    @Slot(object)
    def _show_summary(self, summary: FloorSummary) -> None:
        self.summary = summary
        for key, text in tile_texts(summary, self.clock()).items():
            if key == SERVICE_LEVEL:
                caption, tooltip = service_level_caption(summary), service_level_tooltip(summary)
                self.tiles[key].show_text(text, caption=caption, tooltip=tooltip)
            else:
                self.tiles[key].show_text(text)
        if summary.chats_waiting and summary.longest_waiting_since is not None:
            self.tick_timer.start()
        else:
            self.tick_timer.stop()
        self.loaded.emit(self.SOURCE)

    @Slot(object)
    def _show_failure(self, error: object) -> None:
        self.load_failed.emit(self.SOURCE, f"The summary could not be loaded: {error_message(error)}")

    @Slot()
    def _tick(self) -> None:
        if self.summary is not None:
            self.tiles[WAITING].show_text(waiting_text(self.summary, self.clock()))

    def _tile_width(self) -> int:
        return self.fontMetrics().horizontalAdvance(_WIDTH_SAMPLE) + _TILE_PADDING
