"""The handling-time chart: a box per agent (quartiles, median, shortest to 90th percentile), hover, date filter."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QToolTip
from pytestqt.qtbot import QtBot

from arthur_desktop.main_window import MainWindow
from arthur_desktop.widgets.handling_time_chart import HandlingTimeChart
from arthur_desktop.widgets.handling_time_figures import NO_CHATS, busiest_agents, value_axis
from arthur_desktop.workers import TaskRunner
from seed_data import SEED_DAY, add_chat
from services.database import open_database
from services.distribution import AgentDistribution
from services.results import AgentPerformance
from window_helpers import OpenWindow, choose, click_row, wait_until_idle

Boxes = dict[str, tuple[float, ...]]


def boxes(chart: HandlingTimeChart) -> Boxes:
    """Each box's lower extreme, lower quartile, median, upper quartile and upper extreme, in minutes."""
    return {box.label(): tuple(round(box.at(i), 3) for i in range(5)) for box in chart.series.boxSets()}


def show_chart(qtbot: QtBot, window: MainWindow) -> HandlingTimeChart:
    with qtbot.waitSignal(window.chart.loaded):
        qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    return window.chart


def test_the_chart_shows_the_seed_agents_handling_time_in_minutes(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)

    chart = show_chart(qtbot, window)

    assert window.tabs.currentWidget() is chart
    assert window.findChild(QChartView, "handlingTimeChart") is chart.view
    assert boxes(chart) == {"Test User 3": (3.0, 3.0, 6.5, 10.0, 10.0), "Test User 1": (5.0, 5.0, 5.0, 5.0, 5.0)}
    assert chart.x_axis.categories() == ["Test User 3", "Test User 1"]  # busiest first; Test User 2 has no box
    assert chart.y_axis.titleText() == "Handling time (minutes)"
    assert (chart.y_axis.min(), chart.y_axis.max(), chart.y_axis.tickCount()) == (0.0, 15.0, 4)
    assert "whiskers: shortest to 90th percentile" in chart.series.name()
    assert chart.caption.text() == (
        "Handling time of chats ended in this period: all 2 agents who handled chats, busiest first."
    )


def test_the_chart_follows_the_date_filter(qtbot: QtBot, open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)
    later = SEED_DAY + timedelta(days=6)
    add_chat(window.context.database, user_id=2, start=later, seconds=120)
    add_chat(window.context.database, user_id=2, start=later, seconds=240)
    chart = show_chart(qtbot, window)
    date_filter = window.performance_panel.date_filter

    with qtbot.waitSignal(chart.loaded):
        date_filter.set_custom_range(later.date(), later.date())
    assert boxes(chart) == {"Test User 2": (2.0, 2.0, 3.0, 4.0, 4.0)}

    with qtbot.waitSignal(chart.loaded):
        date_filter.set_custom_range(date(2020, 9, 29), date(2020, 9, 29))
    assert set(boxes(chart)) == {"Test User 1", "Test User 3"}

    with qtbot.waitSignal(chart.loaded):
        choose(qtbot, date_filter.preset_box, "Today")
    assert boxes(chart) == {}
    assert chart.caption.text() == NO_CHATS


def test_a_hidden_chart_does_not_load_until_it_is_shown(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    assert not window.chart.isVisible()

    qtbot.keyClick(window, Qt.Key.Key_F5)
    wait_until_idle(qtbot, window)
    assert boxes(window.chart) == {}

    show_chart(qtbot, window)
    assert len(boxes(window.chart)) == 2


def test_a_refresh_updates_the_boxes_in_place(qtbot: QtBot, open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)
    chart = show_chart(qtbot, window)
    first_box = chart.series.boxSets()[0]
    add_chat(window.context.database, user_id=3, start=SEED_DAY, seconds=1200)

    with qtbot.waitSignal(chart.loaded):
        qtbot.keyClick(window, Qt.Key.Key_F5)

    assert chart.series.boxSets()[0] is first_box  # the same box, new figures: no rebuild, no flicker
    assert boxes(chart)["Test User 3"] == (3.0, 3.0, 10.0, 20.0, 20.0)


def test_with_many_agents_the_chart_shows_the_busiest_and_the_selected_agent(qtbot: QtBot, sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    runner = TaskRunner()
    chart = HandlingTimeChart(database, runner, lambda: None, top_agents=1)
    qtbot.addWidget(chart)
    try:
        with qtbot.waitSignal(chart.loaded):
            chart.show()
        assert list(boxes(chart)) == ["Test User 3"]

        chart.set_selected_agent(AgentPerformance(1, "Test User 1", 1, 1, 300.0, 300.0))

        assert list(boxes(chart)) == ["Test User 3", "Test User 1"]
        assert "the 1 agents who handled the most chats (of 2) and the selected agent" in chart.caption.text()
        assert chart.details.text().startswith("Test User 1, 1 chat: shortest 5m 00s")
        assert chart.series.boxSets()[1].brush().color() != chart.series.boxSets()[0].brush().color()
    finally:
        runner.wait_for_done()
        database.dispose()


def test_the_busiest_agents_come_first_and_agents_without_chats_are_left_out() -> None:
    def agent(user_id: int, name: str, chats: int) -> AgentDistribution:
        figure = 60.0 if chats else None
        return AgentDistribution(user_id, name, chats, figure, figure, figure, figure, figure, figure)

    rows = [agent(1, "b", 5), agent(2, "a", 5), agent(3, "c", 9), agent(4, "idle", 0), agent(5, "d", 1)]

    assert [r.name for r in busiest_agents(rows, 3)] == ["c", "a", "b"]
    assert [r.name for r in busiest_agents(rows, 3, selected_id=5)] == ["c", "a", "b", "d"]
    assert [r.name for r in busiest_agents(rows, 3, selected_id=4)] == ["c", "a", "b"]


def test_the_minutes_axis_ends_on_a_round_number_above_the_highest_whisker() -> None:
    assert value_axis(10.0) == (15.0, 4)
    assert value_axis(19.9) == (25.0, 6)
    assert value_axis(47.0) == (60.0, 4)


def box_centre(chart: HandlingTimeChart, name: str) -> QPoint:
    """Where the named agent's box is drawn, in the chart view's viewport: its category, at the median."""
    position = next(i for i, box in enumerate(chart.series.boxSets()) if box.label() == name)
    median = chart.series.boxSets()[position].at(2)
    in_chart = chart.chart.mapToPosition(QPointF(position, median), chart.series)
    return chart.view.mapFromScene(chart.chart.mapToScene(in_chart))


def box_colours(chart: HandlingTimeChart) -> dict[str, str]:
    return {box.label(): box.brush().color().name() for box in chart.series.boxSets()}


def test_clicking_an_agent_in_the_performance_table_highlights_their_box(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    chart = show_chart(qtbot, window)
    assert set(box_colours(chart).values()) == {"#2f6fd6"}

    click_row(qtbot, window.performance_panel.table, 1)  # Test User 1

    assert box_colours(chart) == {"Test User 3": "#2f6fd6", "Test User 1": "#ea580c"}
    assert chart.details.text().startswith("Test User 1, 1 chat: shortest 5m 00s")
    click_row(qtbot, window.performance_panel.table, 3)
    assert box_colours(chart) == {"Test User 3": "#ea580c", "Test User 1": "#2f6fd6"}


def test_the_mouse_over_a_box_shows_the_agents_figures_with_the_longest_chat_and_leaving_hides_them(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    chart = show_chart(qtbot, window)
    viewport = chart.view.viewport()
    qtbot.mouseMove(viewport, QPoint(2, 2))

    qtbot.mouseMove(viewport, box_centre(chart, "Test User 3"))
    qtbot.waitUntil(QToolTip.isVisible)

    assert chart.details.text() == (
        "Test User 3, 2 chats: shortest 3m 00s, lower quartile 3m 00s, median 6m 30s, "
        "upper quartile 10m 00s, 90th percentile 10m 00s, longest 10m 00s"
    )
    assert QToolTip.text().splitlines() == [
        "Test User 3, 2 chats",
        "Shortest: 3m 00s",
        "Lower quartile: 3m 00s",
        "Median: 6m 30s",
        "Upper quartile: 10m 00s",
        "90th percentile: 10m 00s",
        "Longest: 10m 00s",
    ]
    qtbot.mouseMove(viewport, QPoint(2, 2))  # via empty space: the longer details line moves the boxes a little
    qtbot.waitUntil(lambda: not QToolTip.isVisible())
    qtbot.mouseMove(viewport, box_centre(chart, "Test User 1"))  # a flat box (one chat): the mouse on its line
    qtbot.waitUntil(lambda: QToolTip.text().startswith("Test User 1, 1 chat\n"))
    assert chart.details.text().startswith("Test User 1, 1 chat: shortest 5m 00s")
    qtbot.mouseMove(viewport, QPoint(2, 2))
    qtbot.waitUntil(lambda: chart.details.text().startswith("Hover over a box"))
    qtbot.waitUntil(lambda: not QToolTip.isVisible())
