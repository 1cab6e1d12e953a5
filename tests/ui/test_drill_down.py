"""Drill-down: an agent double-clicked (or entered) in the performance table filters the chat list to them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from arthur_desktop.main_window import MainWindow
from window_helpers import OpenWindow, activate, chat_ids, choose, click_row, row_centre, wait_until_idle


def open_chat_menu_and_press(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Chat")
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is menu)
    qtbot.keyClick(menu, key)


def test_double_clicking_an_agent_shows_their_chats_and_the_transcript_follows_the_selection(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    window.tabs.setCurrentWidget(window.deliveries_panel)
    table = window.performance_panel.table
    where = row_centre(table, 3)  # Test User 3

    # A real double-click is a click, then the double-click event; QTest's mouseDClick sends only the latter.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(lambda: chat_ids(window) == [3, 4])

    chip = window.chat_panel.agent_chip
    assert window.tabs.currentWidget() is window.chat_panel
    assert window.chat_panel.table.hasFocus()
    assert chip.isVisible() and chip.text() == "Agent: Test User 3  ✕"
    assert window.chat_panel.agent == (3, "Test User 3")
    click_row(qtbot, window.chat_panel.table, 4)
    wait_until_idle(qtbot, window)
    assert window.transcript_panel.caption.text() == "Chat 4 · Jacintha · Ended · Test User 3"
    assert window.transcript_panel.view.toPlainText().startswith("Chat on 29 Sep 2020 08:44:")


def test_enter_on_an_agent_drills_down_and_the_chip_removes_the_filter(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    table = window.performance_panel.table
    click_row(qtbot, table, 1)  # Test User 1
    assert table.hasFocus()

    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: chat_ids(window) == [2, 1])

    qtbot.mouseClick(window.chat_panel.agent_chip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chat_ids(window) == [3, 2, 5, 1, 6, 4])
    assert not window.chat_panel.agent_chip.isVisible()
    assert window.chat_panel.agent is None


def test_the_drill_down_keeps_the_status_filter_and_clears_the_search(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    panel = window.chat_panel
    choose(qtbot, panel.status_box, "Ended")
    qtbot.keyClicks(panel.search_box, "Jerry")
    qtbot.waitUntil(lambda: chat_ids(window) == [3])
    click_row(qtbot, window.performance_panel.table, 1)  # Test User 1

    open_chat_menu_and_press(qtbot, window, Qt.Key.Key_A)  # Chat → Show the selected agent's chats
    qtbot.waitUntil(lambda: chat_ids(window) == [1])

    assert panel.search_box.text() == ""
    assert panel.chat_filter().user_id == 1
    open_chat_menu_and_press(qtbot, window, Qt.Key.Key_V)  # Chat → Show every agent's chats
    qtbot.waitUntil(lambda: chat_ids(window) == [3, 1, 4])
    assert not panel.agent_chip.isVisible()
