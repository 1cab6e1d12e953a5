"""Drill-down: an agent double-clicked (or entered) in the performance table filters the chat list to them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from arthur_desktop.main_window import MainWindow
from window_helpers import OpenWindow, chat_ids, wait_until_idle


def agent_row_centre(window: MainWindow, name: str) -> QPoint:
    table = window.performance_panel.table
    row = next(r for r in range(table.proxy.rowCount()) if table.proxy.index(r, 0).data() == name)
    return table.visualRect(table.proxy.index(row, 0)).center()


def test_double_clicking_an_agent_shows_their_chats_and_the_transcript_follows_the_selection(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    window.tabs.setCurrentWidget(window.deliveries_panel)
    table = window.performance_panel.table
    where = agent_row_centre(window, "Test User 3")

    # A real double-click is a click, then the double-click event; QTest's mouseDClick sends only the latter.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(lambda: chat_ids(window) == [3, 4])

    chip = window.chat_panel.agent_chip
    assert window.tabs.currentWidget() is window.chat_panel
    assert window.chat_panel.table.hasFocus()
    assert chip.isVisible() and chip.text() == "Agent: Test User 3  ✕"
    assert window.chat_panel.agent == (3, "Test User 3")
    assert window.chat_panel.select_chat(4)
    wait_until_idle(qtbot, window)
    assert window.transcript_panel.caption.text() == "Chat 4 · Jacintha · Ended · Test User 3"
    assert window.transcript_panel.view.toPlainText().startswith("Chat on 29 Sep 2020 08:44:")


def test_enter_on_an_agent_drills_down_and_the_chip_removes_the_filter(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    table = window.performance_panel.table
    table.setFocus()
    table.selectRow(0)  # Test User 1

    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: chat_ids(window) == [2, 1])

    window.chat_panel.agent_chip.click()
    qtbot.waitUntil(lambda: chat_ids(window) == [3, 2, 5, 1, 6, 4])
    assert not window.chat_panel.agent_chip.isVisible()
    assert window.chat_panel.agent is None


def test_the_drill_down_keeps_the_status_filter_and_clears_the_search(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    panel = window.chat_panel
    panel.status_box.setCurrentText("Ended")
    panel.search_box.setText("Jerry")
    qtbot.waitUntil(lambda: chat_ids(window) == [3])
    window.performance_panel.table.selectRow(0)  # Test User 1

    window.window_actions.show_agent_chats.trigger()  # Chat → Show the selected agent's chats
    qtbot.waitUntil(lambda: chat_ids(window) == [1])

    assert panel.search_box.text() == ""
    assert panel.chat_filter().user_id == 1
    window.window_actions.show_all_agents.trigger()
    qtbot.waitUntil(lambda: chat_ids(window) == [3, 1, 4])
