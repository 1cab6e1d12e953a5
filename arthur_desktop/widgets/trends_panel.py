"""The Trends tab: the performance table's period over time (per local day, per hour for two days or less) and
its busiest local weekdays and hours. Both load in one task off the GUI thread, only while the tab is shown (a
refresh while it is hidden marks it stale), and export to CSV exactly as drawn."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, tzinfo
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from arthur_desktop.messages import error_message
from arthur_desktop.models.busiest_times_model import BusiestTimesModel
from arthur_desktop.widgets.busiest_times_view import BusiestTimesView
from arthur_desktop.widgets.trend_figures import busiest_caption, step_of, trend_caption
from arthur_desktop.widgets.trends_chart import TrendsChart
from arthur_desktop.workers import TaskRunner
from services.floor_export import export_busiest_times_csv, export_trend_csv
from services.floor_results import HeatmapCell, ServiceLevelTarget, TrendPoint, TrendStep
from services.local_time import display_zone, zone_name
from services.results import TimeWindow
from services.storage.database import Database
from services.trends import busiest_times, trend_step_for, trends

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrendsData:
    points: list[TrendPoint]
    cells: list[HeatmapCell]


def load_trends(database: Database, window: TimeWindow | None, zone: tzinfo, target: ServiceLevelTarget) -> TrendsData:
    points = trends(database.unit_of_work(), window, zone, target=target)
    return TrendsData(points, busiest_times(database.unit_of_work(), window, zone))


def write_trend(
    points: list[TrendPoint] | None,
    database: Database,
    window: TimeWindow | None,
    zone: tzinfo,
    target: ServiceLevelTarget,
    path: Path,
) -> int:
    """On a worker thread: the points shown, or, if None, the trend of the window loaded now."""
    if points is None:
        points = trends(database.unit_of_work(), window, zone, target=target)
    return export_trend_csv(points, path)


def write_busiest_times(
    cells: list[HeatmapCell] | None, database: Database, window: TimeWindow | None, zone: tzinfo, path: Path
) -> int:
    if cells is None:
        cells = busiest_times(database.unit_of_work(), window, zone)
    return export_busiest_times_csv(cells, path)


def _trend_noun(points: list[TrendPoint] | None, window: TimeWindow | None) -> str:
    """What the rows of a trend export are: hours or days (periods, when the window is open and not loaded)."""
    if points:
        step: TrendStep | None = step_of(points)
    else:
        closed = window is not None and window.start is not None and window.end is not None
        step = trend_step_for(window) if closed and window is not None else None
    return {TrendStep.HOUR: "hours", TrendStep.DAY: "days", None: "periods"}[step]


class TrendsPanel(QWidget):
    SOURCE = "trends"
    loaded = Signal(str)  # SOURCE
    load_failed = Signal(str, str)  # SOURCE, the message
    export_requested = Signal(str, str, str, object)  # title, file name, noun, write(path) -> rows

    def __init__(
        self,
        database: Database,
        runner: TaskRunner,
        time_window: Callable[[], TimeWindow | None],
        target: ServiceLevelTarget,
        parent: QWidget | None = None,
        *,
        zone: tzinfo | None = None,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._runner = runner
        self._time_window = time_window
        self._target = target
        self._zone = zone or display_zone()
        self._stale = True
        self._shown_window: TimeWindow | None = None
        self._loaded = False
        self.chart = TrendsChart(self)
        self.heatmap_model = BusiestTimesModel(self)
        self.heatmap = BusiestTimesView(self.heatmap_model, self)
        self.caption = self._label("trendsCaption")
        self.heatmap_caption = self._label("busiestTimesCaption")
        self.views = QTabWidget(self)
        self.views.setObjectName("trendsViews")
        self.views.setDocumentMode(True)
        self.views.addTab(self._page(self.caption, self.chart), "Over time")
        self.views.addTab(self._page(self.heatmap_caption, self.heatmap), "Busiest times")
        self.export_button = QPushButton("Export CSV…", self)
        self.export_button.setObjectName("trendsExport")
        self.export_button.setToolTip("Write what this view shows to a CSV file")
        self.views.setCornerWidget(self.export_button, Qt.Corner.TopRightCorner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.views)
        self.export_button.clicked.connect(self.export_current)

    @property
    def points(self) -> list[TrendPoint]:
        return self.chart.points

    @property
    def cells(self) -> list[HeatmapCell]:
        return self.heatmap_model.cells

    @Slot()
    def refresh(self) -> None:
        """Reload now if the tab is on screen; otherwise when it is next shown."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        database, window, zone, target = self._database, self._time_window(), self._zone, self._target
        self._runner.start(
            lambda: load_trends(database, window, zone, target),
            partial(self._show_data, window),
            self._show_failure,
            key=self.SOURCE,
        )

    @Slot()
    def export_trend(self) -> None:
        """The trend as the chart shows it (loaded afresh for the chosen period if the tab has not shown it)."""
        points, window = self.chart.points if self._shows_chosen_period() else None, self._time_window()
        noun = _trend_noun(points, window)
        write = partial(write_trend, points, self._database, window, self._zone, self._target)
        self.export_requested.emit("Export trend", f"trend-{date.today().isoformat()}.csv", noun, write)

    @Slot()
    def export_busiest_times(self) -> None:
        cells = self.heatmap_model.cells if self._shows_chosen_period() else None
        write = partial(write_busiest_times, cells, self._database, self._time_window(), self._zone)
        name = f"busiest-times-{date.today().isoformat()}.csv"
        self.export_requested.emit("Export busiest times", name, "hours of the week", write)

    @Slot()
    def export_current(self) -> None:
        if self.views.currentIndex() == 0:
            self.export_trend()
        else:
            self.export_busiest_times()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _shows_chosen_period(self) -> bool:
        return self._loaded and not self._stale and self._shown_window == self._time_window()

    def _label(self, object_name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(object_name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def _page(self, caption: QLabel, content: QWidget) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        header = QHBoxLayout()
        header.addWidget(caption, 1)
        layout.addLayout(header)
        layout.addWidget(content, 1)
        return page

    @Slot(object)
    def _show_data(self, window: TimeWindow | None, data: TrendsData) -> None:
        self._shown_window, self._loaded = window, True
        zone_text = zone_name(self._zone)
        self.chart.show_points(data.points, self._target)
        self.caption.setText(trend_caption(step_of(data.points), zone_text, self._target))
        self.heatmap_model.set_cells(data.cells)
        self.heatmap_caption.setText(busiest_caption(data.cells, zone_text))
        self.loaded.emit(self.SOURCE)

    @Slot(object)
    def _show_failure(self, error: object) -> None:
        self.load_failed.emit(self.SOURCE, f"The trends could not be loaded: {error_message(error)}")
