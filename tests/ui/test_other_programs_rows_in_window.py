"""The window on rows other programs wrote with NULL names and times: every table shows "—", nothing fails."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from arthur_desktop.models.chat_model import ChatModel
from arthur_desktop.models.delivery_model import DeliveryModel
from arthur_desktop.models.performance_model import PerformanceModel
from arthur_desktop.models.record_model import sorting_proxy
from arthur_desktop.widgets.date_range_filter import DateRangeFilter
from other_programs import CHAT_2_TRANSCRIPT, write_loose_database
from services.results import (
    AgentPerformance,
    ChatPage,
    ChatStatus,
    ChatSummary,
    DeliveryRecord,
    DeliveryStatus,
    TimeWindow,
)
from window_helpers import OpenWindow, chat_ids, displayed, wait_until_idle

NAMELESS_AGENT = AgentPerformance(2, None, 1, 1, 300.0, 300.0)
UNDATED_CHAT = ChatSummary(2, None, 2, None, ChatStatus.IN_PROGRESS, None, None, None, None, 3)
NAMELESS_DELIVERY = DeliveryRecord(
    1,
    2,
    None,
    "savage_rentals",
    DeliveryStatus.PENDING,
    0,
    datetime(2024, 1, 1),
    datetime(2024, 1, 1),
    None,
    None,
    None,
    None,
)


def test_the_models_show_missing_names_and_times_as_a_dash_and_still_sort(qtmodeltester: ModelTester) -> None:
    performance, chats, deliveries = PerformanceModel(), ChatModel(), DeliveryModel()
    performance.set_rows([AgentPerformance(1, "Ann", 1, 0, 600.0, 600.0), NAMELESS_AGENT])
    chats.set_page(ChatPage((UNDATED_CHAT,), next_cursor=None))
    deliveries.set_rows([NAMELESS_DELIVERY])

    for model in (performance, chats, deliveries):
        qtmodeltester.check(model, force_py=True)
        proxy = sorting_proxy(model)
        for column in range(model.columnCount()):
            proxy.sort(column, Qt.SortOrder.AscendingOrder)
    assert displayed(performance)[1][0] == "—"
    assert displayed(chats)[0][1:5] == ["—", "—", "In progress", "—"]
    assert displayed(deliveries)[0][2] == "—"


def test_the_window_shows_such_rows_with_dashes_and_no_error(
    qtbot: QtBot, sqlite_url: str, open_window: OpenWindow, folder_config: Path
) -> None:
    write_loose_database(sqlite_url)

    window = open_window(folder_config)

    # Waits: chat 1 and chat 3 a minute each; chat 2 has no created time, so no wait and no first response; no
    # agent wrote in chats 1 and 3, so they have no first response either.
    assert displayed(window.performance_panel.model) == [
        ["Ann", "1", "0", "10m 00s", "10m 00s", "1m 00s", "1m 00s", "—", "—"],
        ["—", "1", "1", "5m 00s", "5m 00s", "1m 00s", "1m 00s", "—", "—"],
    ]
    assert chat_ids(window) == [3, 1, 4, 2]
    assert window.chat_panel.select_chat(2)
    wait_until_idle(qtbot, window)
    assert window.transcript_panel.caption.text() == "Chat 2 · — · In progress · —"
    assert window.transcript_panel.view.toPlainText() == CHAT_2_TRANSCRIPT
    assert not window.message_bar.isVisible()


def test_the_chart_and_the_drill_down_name_an_agent_without_a_name_by_id(
    qtbot: QtBot, sqlite_url: str, open_window: OpenWindow, folder_config: Path
) -> None:
    write_loose_database(sqlite_url)
    window = open_window(folder_config)

    with qtbot.waitSignal(window.chart.loaded):
        qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    window.show_agent_chats(NAMELESS_AGENT)
    qtbot.waitUntil(lambda: chat_ids(window) == [3, 2])

    assert sorted(window.chart.x_axis.categories()) == ["Agent 2 (no name)", "Ann"]
    assert window.chat_panel.agent_chip.text() == "Agent: Agent 2 (no name)  ✕"
    assert not window.message_bar.isVisible()


def test_the_last_day_a_date_can_hold_gives_a_window_open_at_its_end(qtbot: QtBot) -> None:
    date_filter = DateRangeFilter()
    qtbot.addWidget(date_filter)

    date_filter.set_custom_range(date(9999, 12, 30), date(9999, 12, 31))

    assert date_filter.time_window() == TimeWindow(datetime(9999, 12, 30), None)


def test_a_search_with_a_nul_character_is_one_message_in_the_window(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)

    window.chat_panel.search_box.setText("Ja\x00ne")
    qtbot.waitUntil(window.message_bar.isVisible)

    assert window.message_bar.label.text() == (
        "The chat list could not be loaded: The search text cannot contain a NUL character."
    )
    window.chat_panel.search_box.setText("Jane")
    qtbot.waitUntil(lambda: chat_ids(window) == [2])
    assert not window.message_bar.isVisible()
