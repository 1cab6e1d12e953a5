"""Trends over time for one period: chats created and handled as bars (chats axis, left), the service level and
its goal (percent axis) and the median handling time (minutes axis) as lines on the right, one bar group per
local day or hour. A period with no service level or median has no point on that line."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import QBarSeries, QBarSet, QCategoryAxis, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QEvent, QMargins, QPointF, Qt, Slot
from PySide6.QtGui import QColor, QCursor, QPainter, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import QLabel, QToolTip, QVBoxLayout, QWidget

from arthur_desktop.palette import readable_on
from arthur_desktop.widgets.handling_time_figures import value_axis
from arthur_desktop.widgets.trend_figures import (
    CREATED,
    HANDLED,
    MEDIAN_HANDLING,
    NO_TREND,
    SERVICE_LEVEL,
    axis_labels,
    count_axis,
    describe_period,
    period_tooltip,
    step_of,
)
from services.floor_results import ServiceLevelTarget, TrendPoint

_COLOURS = {CREATED: "#2f6fd6", HANDLED: "#0d9488", SERVICE_LEVEL: "#ea580c", MEDIAN_HANDLING: "#7c3aed"}
_BAR_ALPHA = 200
_MOST_MARKED_POINTS = 62  # more periods than this (two months of days) draw their lines without dots
_AXES_ROOM = 170  # pixels beside the plot: the three value axes and their titles
HINT = "Hover over a bar or a point to see that period's figures."


class TrendsChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[TrendPoint] = []
        self.bars = QBarSeries()
        self.created = QBarSet(CREATED)
        self.handled = QBarSet(HANDLED)
        self.bars.append([self.created, self.handled])
        self.bars.setBarWidth(0.8)
        self.service_level = self._line(SERVICE_LEVEL)
        self.goal = self._line("Service-level goal")
        self.median_handling = self._line(MEDIAN_HANDLING)
        self.x_axis = QCategoryAxis()
        self.chats_axis = QValueAxis()
        self.percent_axis = QValueAxis()
        self.minutes_axis = QValueAxis()
        self.chart = self._build_chart()
        self.view = QChartView(self.chart, self)
        self.view.setObjectName("trendsChart")
        self.view.setAccessibleName("Trends: chats created and handled, service level, median handling time")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.details = QLabel(HINT, self)
        self.details.setObjectName("trendsDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)
        self.bars.hovered.connect(self._bar_hovered)
        for line in (self.service_level, self.median_handling):
            line.hovered.connect(self._point_hovered)
        self._apply_palette()

    @property
    def points(self) -> list[TrendPoint]:
        return list(self._points)

    def show_points(self, points: Sequence[TrendPoint], target: ServiceLevelTarget) -> None:
        self._points = list(points)
        self._replace(self.created, [p.chats_created for p in points])
        self._replace(self.handled, [p.chats_handled for p in points])
        self.service_level.replace(
            [QPointF(i, p.service_level_percent) for i, p in enumerate(points) if p.service_level_percent is not None]
        )
        self.median_handling.replace(
            [
                QPointF(i, p.median_handling_seconds / 60)
                for i, p in enumerate(points)
                if p.median_handling_seconds is not None
            ]
        )
        for line in (self.service_level, self.median_handling):
            line.setPointsVisible(len(points) <= _MOST_MARKED_POINTS)
        last = max(len(points) - 0.5, 0.5)
        self.goal.replace([QPointF(-0.5, target.goal_percent), QPointF(last, target.goal_percent)])
        self.goal.setName(f"Goal {target.goal_percent:g} %")
        self.x_axis.setRange(-0.5, last)
        self._fit_labels()
        self._fit_value_axes()
        step = step_of(points)
        self.view.setAccessibleDescription(
            " ".join(describe_period(p, step) + "." for p in points if p.chats_created or p.chats_handled) or NO_TREND
        )
        self.details.setText(HINT if points else NO_TREND)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_labels()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # Style changes also arrive from inside __init__, before the chart's parts exist.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange) and hasattr(self, "details"):
            self._apply_palette()

    def _line(self, name: str) -> QLineSeries:
        line = QLineSeries()
        line.setName(name)
        return line

    def _build_chart(self) -> QChart:
        chart = QChart()
        chart.addSeries(self.bars)
        for line in (self.service_level, self.goal, self.median_handling):
            chart.addSeries(line)
        chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.chats_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(self.percent_axis, Qt.AlignmentFlag.AlignRight)
        chart.addAxis(self.minutes_axis, Qt.AlignmentFlag.AlignRight)
        for series, axis in (
            (self.bars, self.chats_axis),
            (self.service_level, self.percent_axis),
            (self.goal, self.percent_axis),
            (self.median_handling, self.minutes_axis),
        ):
            series.attachAxis(self.x_axis)
            series.attachAxis(axis)
        self.x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.x_axis.setGridLineVisible(False)
        self.x_axis.setTruncateLabels(False)
        self.chats_axis.setTitleText("Chats")
        self.chats_axis.setLabelFormat("%d")
        self.percent_axis.setTitleText("Service level %")
        self.percent_axis.setRange(0, 100)
        self.percent_axis.setTickCount(5)
        self.percent_axis.setLabelFormat("%d")
        self.percent_axis.setGridLineVisible(False)
        self.minutes_axis.setTitleText("Median, min")
        self.minutes_axis.setGridLineVisible(False)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        return chart

    @staticmethod
    def _replace(bar_set: QBarSet, values: list[int]) -> None:
        """Values in place where the number of periods is unchanged (a refresh does not rebuild the bars)."""
        if bar_set.count() == len(values):
            for index, value in enumerate(values):
                if bar_set.at(index) != value:
                    bar_set.replace(index, value)
            return
        bar_set.remove(0, bar_set.count())
        bar_set.append([float(v) for v in values])

    def _fit_labels(self) -> None:
        for label in list(self.x_axis.categoriesLabels()):
            self.x_axis.remove(label)
        width, measure = self.view.width() - _AXES_ROOM, self.fontMetrics().horizontalAdvance
        for index, text in axis_labels(self._points, width, measure).items():
            self.x_axis.append(text, index)

    def _fit_value_axes(self) -> None:
        top, ticks = count_axis(max((max(p.chats_created, p.chats_handled) for p in self._points), default=0))
        self.chats_axis.setRange(0, top)
        self.chats_axis.setTickCount(ticks)
        medians = [p.median_handling_seconds / 60 for p in self._points if p.median_handling_seconds is not None]
        minutes_top, minute_ticks = value_axis(max(medians, default=0.0))
        self.minutes_axis.setRange(0, minutes_top)
        self.minutes_axis.setTickCount(minute_ticks)
        self.minutes_axis.setLabelFormat("%.0f" if (minutes_top / (minute_ticks - 1)).is_integer() else "%.1f")

    def _apply_palette(self) -> None:
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        text, grid = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Mid)
        self.chart.setBackgroundBrush(base)
        self.chart.setBackgroundPen(QPen(palette.color(QPalette.ColorRole.Midlight)))
        for axis in (self.x_axis, self.chats_axis, self.percent_axis, self.minutes_axis):
            axis.setLabelsColor(text)
            axis.setTitleBrush(text)
            axis.setGridLineColor(grid)
            axis.setLinePenColor(grid)
        self.chart.legend().setLabelColor(text)
        for bar_set in (self.created, self.handled):
            fill = readable_on(QColor(_COLOURS[bar_set.label()]), base, 3.0)
            fill.setAlpha(_BAR_ALPHA)
            bar_set.setBrush(fill)
            bar_set.setPen(QPen(Qt.PenStyle.NoPen))
        for line in (self.service_level, self.median_handling):
            line.setPen(QPen(readable_on(QColor(_COLOURS[line.name()]), base, 3.0), 2.0))
        goal = QPen(readable_on(QColor(_COLOURS[SERVICE_LEVEL]), base, 3.0), 1.2, Qt.PenStyle.DashLine)
        self.goal.setPen(goal)

    def _show_details(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self._points):
            self.details.setText(HINT if self._points else NO_TREND)
            QToolTip.hideText()
            return
        point, step = self._points[index], step_of(self._points)
        self.details.setText(describe_period(point, step))
        QToolTip.showText(QCursor.pos(), period_tooltip(point, step), self.view)

    @Slot(bool, int, QBarSet)
    def _bar_hovered(self, status: bool, index: int, _bar_set: QBarSet) -> None:
        self._show_details(index if status else None)

    @Slot(QPointF, bool)
    def _point_hovered(self, point: QPointF, state: bool) -> None:
        self._show_details(round(point.x()) if state else None)
