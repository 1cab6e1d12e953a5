"""The Trends tab on the seed data: the chart per day or per hour, the busiest times, loading only when shown.

The seed's chats, all on Tuesday 29 September 2020 (UTC): created 08:40 (chat 4), 08:50 (6), 08:55 (1, 5) and
09:00 (2, 3); ended 08:54 (chat 4, after 600 s), 09:05 (chat 1, 300 s, and chat 3, 180 s); chat 2 is in progress,
chats 5 and 6 still wait. Picked up within 180 s: chats 2 and 3 (120 s each); chats 1 (300 s) and 4 (240 s) were
not, and 5 and 6 have waited for years. So the 29th: 6 created, 3 handled, service level 2 of 6 = 33.3 %, median
handling 300 s. By hour: 08:00 4 created (4, 6, 1, 5), 1 handled (4), 0 of 3 decided (4, 5, 6) = 0 %, median
600 s; 09:00 2 created (2, 3), 2 handled (1, 3), 2 of 2 = 100 %, median 240 s.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import text
from trends_helpers import config_with_target_180, open_trends

from arthur_desktop.main_window import MainWindow
from arthur_desktop.widgets.trends_panel import TrendsPanel
from floor_reference import load_chats, local_day_periods, trend
from seed_data import add_chat
from services.results import TimeWindow
from window_helpers import OpenWindow, show_tab, wait_until_idle

Series = dict[str, list[tuple[float, float]]]
EMPTY_HOURS = [0] * 24


@pytest.fixture
def target_180(tmp_path: Path, output_folder: Path) -> Path:
    return config_with_target_180(tmp_path, output_folder)


def bars(panel: TrendsPanel) -> tuple[list[float], list[float]]:
    chart = panel.chart
    return (
        [chart.created.at(i) for i in range(chart.created.count())],
        [chart.handled.at(i) for i in range(chart.handled.count())],
    )


def lines(panel: TrendsPanel) -> Series:
    chart = panel.chart
    return {
        line.name(): [(round(p.x(), 3), round(p.y(), 3)) for p in line.points()]
        for line in (chart.service_level, chart.median_handling)
    }


def reference(window: MainWindow, periods: list[TimeWindow]) -> list[tuple[int, int, float | None, float | None]]:
    now = datetime.now(UTC).replace(tzinfo=None)
    return trend(load_chats(window.context.database), periods, 180, now)


def test_all_time_on_the_seed_is_one_day_drawn_per_hour(
    qtbot: QtBot, open_window: OpenWindow, target_180: Path
) -> None:
    window = open_window(target_180)

    panel = open_trends(qtbot, window)

    created, handled = bars(panel)
    assert created == [*EMPTY_HOURS[:8], 4, 2, *EMPTY_HOURS[10:]]
    assert handled == [*EMPTY_HOURS[:8], 1, 2, *EMPTY_HOURS[10:]]
    assert lines(panel) == {"Service level": [(8, 0.0), (9, 100.0)], "Median handling (min)": [(8, 10.0), (9, 4.0)]}
    assert [p.period_start.hour for p in panel.points] == list(range(24))
    assert panel.caption.text().startswith("Per hour, local time (UTC).")
    assert "within 180 s (goal 80 %)" in panel.caption.text()
    assert [(p.x(), p.y()) for p in panel.chart.goal.points()] == [(-0.5, 80.0), (23.5, 80.0)]


def test_four_days_are_drawn_per_day_with_the_seeds_figures_on_the_29th(
    qtbot: QtBot, open_window: OpenWindow, target_180: Path
) -> None:
    window = open_window(target_180)
    panel = open_trends(qtbot, window)

    with qtbot.waitSignal(panel.loaded):
        window.performance_panel.date_filter.set_custom_range(date(2020, 9, 27), date(2020, 9, 30))

    assert bars(panel) == ([0, 0, 6, 0], [0, 0, 3, 0])
    assert lines(panel) == {"Service level": [(2, 33.3)], "Median handling (min)": [(2, 5.0)]}
    days = local_day_periods(datetime(2020, 9, 27), 4, ZoneInfo("UTC"))
    assert reference(window, days) == [(0, 0, None, None), (0, 0, None, None), (6, 3, 33.3, 300.0), (0, 0, None, None)]
    assert panel.caption.text().startswith("Per day,")
    assert panel.chart.x_axis.categoriesLabels() == ["27 Sep", "28 Sep", "29 Sep", "30 Sep"]


def test_two_days_are_drawn_per_hour(qtbot: QtBot, open_window: OpenWindow, target_180: Path) -> None:
    window = open_window(target_180)
    panel = open_trends(qtbot, window)

    with qtbot.waitSignal(panel.loaded):
        window.performance_panel.date_filter.set_custom_range(date(2020, 9, 29), date(2020, 9, 30))

    created, handled = bars(panel)
    assert (len(created), created[8:10], sum(created)) == (48, [4, 2], 6)
    assert (handled[8:10], sum(handled)) == ([1, 2], 3)
    assert lines(panel)["Service level"] == [(8, 0.0), (9, 100.0)]
    assert panel.caption.text().startswith("Per hour,")
    assert "Tue 00:00" in panel.chart.x_axis.categoriesLabels()  # two dates: the labels name the day


def test_the_chart_follows_added_chats_on_refresh_without_rebuilding_its_bars(
    qtbot: QtBot, open_window: OpenWindow, target_180: Path
) -> None:
    window = open_window(target_180)
    panel = open_trends(qtbot, window)
    with qtbot.waitSignal(panel.loaded):
        window.performance_panel.date_filter.set_custom_range(date(2020, 9, 27), date(2020, 9, 30))
    first_bars = panel.chart.created
    add_chat(window.context.database, user_id=2, start=datetime(2020, 9, 28, 12, 1), seconds=120)  # wait 60 s

    with qtbot.waitSignal(panel.loaded):
        qtbot.keyClick(window, Qt.Key.Key_F5)

    assert panel.chart.created is first_bars
    assert bars(panel) == ([0, 1, 6, 0], [0, 1, 3, 0])
    assert lines(panel)["Service level"] == [(1, 100.0), (2, 33.3)]
    days = local_day_periods(datetime(2020, 9, 27), 4, ZoneInfo("UTC"))
    assert [row[:2] for row in reference(window, days)] == [(0, 0), (1, 1), (6, 3), (0, 0)]


def test_a_hidden_trends_tab_loads_nothing_until_it_is_clicked(
    qtbot: QtBot, open_window: OpenWindow, target_180: Path
) -> None:
    window = open_window(target_180)
    loads: list[str] = []
    window.trends.loaded.connect(loads.append)

    qtbot.keyClick(window, Qt.Key.Key_F5)
    window.performance_panel.date_filter.set_custom_range(date(2020, 9, 29), date(2020, 9, 29))
    wait_until_idle(qtbot, window)
    assert (loads, window.trends.points, window.trends.heatmap_model.cells[32].chats_created) == ([], [], 0)

    panel = open_trends(qtbot, window)

    assert loads == ["trends"]
    assert [p.chats_created for p in panel.points if p.chats_created] == [4, 2]
    assert panel.heatmap_model.cells[24 + 8].chats_created == 4  # Tuesday 08:00


def test_ctrl_5_brings_the_trends_forward_with_the_focus_on_the_chart(
    qtbot: QtBot, open_window: OpenWindow, target_180: Path
) -> None:
    window = open_window(target_180)

    with qtbot.waitSignal(window.trends.loaded):
        qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)

    assert window.tabs.currentWidget() is window.trends
    assert QApplication.focusWidget() is window.trends.chart.view
    assert window.trends.chart.view.objectName() == "trendsChart"
    assert window.trends.chart.view.accessibleName() == (
        "Trends: chats created and handled, service level, median handling time"
    )
    assert window.trends.heatmap.accessibleName() == "Busiest times: chats created per local weekday and hour"


def test_hovering_a_bar_shows_that_days_figures(qtbot: QtBot, open_window: OpenWindow, target_180: Path) -> None:
    window = open_window(target_180)
    panel = open_trends(qtbot, window)
    with qtbot.waitSignal(panel.loaded):
        window.performance_panel.date_filter.set_custom_range(date(2020, 9, 27), date(2020, 9, 30))

    chart = panel.chart
    middle_of_the_created_bar = chart.chart.mapToPosition(QPointF(2 - 0.2, 3), chart.bars)
    qtbot.mouseMove(chart.view.viewport(), chart.view.mapFromScene(middle_of_the_created_bar))
    qtbot.waitUntil(lambda: chart.details.text().startswith("Tue"))

    assert panel.chart.details.text() == (
        "Tue 29 Sep 2020: 6 chats created, 3 handled, service level 33.3 %, median handling time 5m 00s"
    )
    assert "Tue 29 Sep 2020: 6 chats created" in panel.chart.view.accessibleDescription()


def test_an_unusable_database_says_in_the_window_that_the_trends_could_not_be_loaded(
    qtbot: QtBot, open_window: OpenWindow, target_180: Path
) -> None:
    window = open_window(target_180)
    with window.context.database.engine.begin() as connection:
        connection.execute(text("ALTER TABLE slot_counts RENAME TO slot_counts_elsewhere"))

    with qtbot.waitSignal(window.trends.load_failed):
        show_tab(qtbot, window, window.trends)

    (message,) = [m for m in window.message_bar.messages() if "trends" in m]
    assert message.startswith("The trends could not be loaded: The database could not be used")
    assert "no such table: slot_counts" in message
    assert window.trends.points == []
