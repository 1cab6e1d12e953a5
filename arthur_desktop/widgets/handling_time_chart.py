"""Handling time per agent as a box plot for the performance table's period, loaded off the GUI thread.

Averages hide the long chats, so each agent gets a box (the quartiles, a line at the median) with whiskers
from the shortest chat to the 90th percentile: one extreme chat does not squash every other box, and the
longest chat is in the tooltip. The chart loads only while it is shown; hidden, a refresh marks it stale.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCharts import QBarCategoryAxis, QBoxPlotSeries, QBoxSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QEvent, QMargins, Qt, Signal, Slot
from PySide6.QtGui import QColor, QCursor, QPainter, QPalette, QPen, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QToolTip, QVBoxLayout, QWidget

from arthur_desktop.messages import error_message
from arthur_desktop.palette import readable_on
from arthur_desktop.widgets.handling_time_figures import (
    HINT,
    SERIES_NAME,
    TOP_AGENTS,
    box_minutes,
    busiest_agents,
    caption,
    describe,
    label,
    tooltip,
    value_axis,
)
from arthur_desktop.workers import TaskRunner
from services.distribution import AgentDistribution
from services.results import AgentPerformance, TimeWindow
from services.shared_reports import shared_distribution
from services.storage.database import Database

log = logging.getLogger(__name__)

_BOX_COLOUR = QColor("#2f6fd6")
_SELECTED_COLOUR = QColor("#ea580c")
_BOX_ALPHA = 90
_Y_AXIS_ROOM = 90  # pixels left of the plot: the minutes axis, its title and the margins
_LABEL_GAP = 12


class HandlingTimeChart(QWidget):
    SOURCE = "handling-time"
    loaded = Signal(str)  # SOURCE
    load_failed = Signal(str, str)  # SOURCE, the message

    def __init__(
        self,
        database: Database,
        runner: TaskRunner,
        time_window: Callable[[], TimeWindow | None],
        parent: QWidget | None = None,
        *,
        top_agents: int = TOP_AGENTS,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._runner = runner
        self._time_window = time_window
        self._top_agents = top_agents
        self._rows: list[AgentDistribution] = []
        self._shown: list[AgentDistribution] = []
        self._selected_id: int | None = None
        self._stale = True
        self.series = QBoxPlotSeries()
        self.series.setName(SERIES_NAME)
        self.x_axis = QBarCategoryAxis()
        self.y_axis = QValueAxis()
        self.chart = self._build_chart()
        self.view = QChartView(self.chart, self)
        self.view.setObjectName("handlingTimeChart")
        self.view.setAccessibleName("Handling time per agent")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.caption = self._label("handlingTimeCaption")
        self.details = self._label("handlingTimeDetails", HINT)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)
        self.series.hovered.connect(self._show_hovered)
        self._apply_palette()

    @property
    def shown_agents(self) -> list[AgentDistribution]:
        return list(self._shown)

    @Slot()
    def refresh(self, reuse_seconds: float = 0.0) -> None:
        """Reload now if the chart is on screen, where a team's shared figures younger than reuse_seconds will do
        (services.shared_reports); otherwise when it is next shown."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        database, window = self._database, self._time_window()
        self._runner.start(
            lambda: shared_distribution(database, window, reuse_seconds),
            self._show_rows,
            self._show_failure,
            key=self.SOURCE,
        )

    @Slot(object)
    def set_selected_agent(self, record: object) -> None:
        """The performance table's selected agent: highlighted, and added to the chart if not among the busiest."""
        user_id = record.user_id if isinstance(record, AgentPerformance) else None
        if user_id != self._selected_id:
            self._selected_id = user_id
            self._render()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_labels()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # Style changes also arrive from inside __init__, before the chart's parts exist.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange) and hasattr(self, "details"):
            self._apply_palette()

    def _build_chart(self) -> QChart:
        chart = QChart()
        chart.addSeries(self.series)
        chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(self.x_axis)
        self.series.attachAxis(self.y_axis)
        self.y_axis.setTitleText("Handling time (minutes)")
        self.x_axis.setTruncateLabels(False)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)  # a refresh must not make boxes jump
        chart.setMargins(QMargins(4, 4, 4, 4))
        return chart

    def _label(self, object_name: str, text: str = "") -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(object_name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def _render(self) -> None:
        shown = busiest_agents(self._rows, self._top_agents, self._selected_id)
        if [(r.user_id, label(r)) for r in shown] == [(r.user_id, label(r)) for r in self._shown]:
            for box, row in zip(self.series.boxSets(), shown, strict=True):
                for position, minutes in enumerate(box_minutes(row)):
                    if box.at(position) != minutes:
                        box.setValue(position, minutes)
        else:
            self.series.clear()
            self.x_axis.clear()
            self.x_axis.append([label(row) for row in shown])
            self.series.append([QBoxSet(*box_minutes(row), label(row)) for row in shown])
        self._shown = shown
        self._fit_labels()
        self._fit_value_axis()
        self._paint_boxes()
        text = caption(self._rows, shown, self._top_agents)
        self.caption.setText(text)
        self.view.setAccessibleDescription(" ".join([text, *(describe(row) for row in shown)]))
        self._show_details(None)

    def _fit_labels(self) -> None:
        """Names read across when they fit under their boxes, else upright (slanted ones get cut at the ends)."""
        widest = max((self.fontMetrics().horizontalAdvance(label(row)) for row in self._shown), default=0)
        room = (self.view.width() - _Y_AXIS_ROOM) / max(len(self._shown), 1)
        self.x_axis.setLabelsAngle(0 if widest + _LABEL_GAP <= room else -90)

    def _fit_value_axis(self) -> None:
        top, ticks = value_axis(max((box_minutes(row)[-1] for row in self._shown), default=0.0))
        self.y_axis.setRange(0, top)
        self.y_axis.setTickCount(ticks)
        self.y_axis.setLabelFormat("%.0f" if (top / (ticks - 1)).is_integer() else "%.1f")

    def _apply_palette(self) -> None:
        palette = self.palette()
        text, grid = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Mid)
        self.chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
        self.chart.setBackgroundPen(QPen(palette.color(QPalette.ColorRole.Midlight)))
        for axis in (self.x_axis, self.y_axis):
            axis.setLabelsColor(text)
            axis.setTitleBrush(text)
            axis.setGridLineColor(grid)
            axis.setLinePenColor(grid)
        self.chart.legend().setLabelColor(text)
        self._paint_boxes()

    def _paint_boxes(self) -> None:
        base = self.palette().color(QPalette.ColorRole.Base)

        def paint(item: QBoxSet | QBoxPlotSeries, colour: QColor) -> None:
            fill = QColor(colour)
            fill.setAlpha(_BOX_ALPHA)
            item.setBrush(fill)
            item.setPen(QPen(readable_on(colour, base, 3.0), 1.5))

        paint(self.series, _BOX_COLOUR)  # the legend's marker
        for box in self.series.boxSets():
            selected = any(r.user_id == self._selected_id and label(r) == box.label() for r in self._shown)
            paint(box, _SELECTED_COLOUR if selected else _BOX_COLOUR)

    def _show_details(self, row: AgentDistribution | None) -> None:
        selected = next((r for r in self._shown if r.user_id == self._selected_id), None)
        row = row or selected
        self.details.setText(HINT if row is None else describe(row))

    @Slot(bool, QBoxSet)
    def _show_hovered(self, status: bool, box: QBoxSet) -> None:
        row = next((r for r in self._shown if label(r) == box.label()), None) if status else None
        self._show_details(row)
        if row is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(QCursor.pos(), tooltip(row), self.view)

    @Slot(object)
    def _show_rows(self, rows: list[AgentDistribution]) -> None:
        self._rows = rows
        self._render()
        self.loaded.emit(self.SOURCE)

    @Slot(object)
    def _show_failure(self, error: object) -> None:
        self.load_failed.emit(self.SOURCE, f"The handling-time chart could not be loaded: {error_message(error)}")
