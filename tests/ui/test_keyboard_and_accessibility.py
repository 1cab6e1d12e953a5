"""Every action in a menu with its shortcut shown; shortcuts that reach the panels; accessible names."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from arthur_desktop.main_window import MainWindow
from window_helpers import OpenWindow, wait_until_idle

MENUS = {
    "File": [("Export performance…", "Ctrl+E"), ("Export chats…", "Ctrl+Shift+E"), ("Quit", "Ctrl+Q")],
    "View": [
        ("Agent performance", "Ctrl+1"),
        ("Chats", "Ctrl+2"),
        ("Deliveries", "Ctrl+3"),
        ("Handling time", "Ctrl+4"),
        ("Refresh", "F5"),
        ("Find chat", "Ctrl+F"),
    ],
    "Chat": [
        ("Show the selected agent's chats", ""),
        ("Show every agent's chats", ""),
        ("End chat…", "Ctrl+Shift+X"),
        ("Retry deliveries", "Ctrl+Shift+R"),
    ],
    "Help": [("Open log folder", ""), ("About Arthur Desktop", "")],
}


def menu_entries(window: MainWindow) -> dict[str, list[tuple[str, str]]]:
    entries = {}
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        entries[menu_action.text().replace("&", "")] = [
            (action.text().replace("&", ""), action.shortcut().toString(QKeySequence.SequenceFormat.PortableText))
            for action in menu.actions()
            if not action.isSeparator()
        ]
    return entries


def test_the_menus_hold_every_action_with_its_shortcut(open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)

    assert menu_entries(window) == MENUS
    shortcuts = [key for actions in MENUS.values() for _text, key in actions if key]
    assert len(shortcuts) == len(set(shortcuts))
    assert all(action.menu() is not None and action.text().startswith("&") for action in window.menuBar().actions())


@pytest.mark.parametrize(
    ("key", "page", "focus"),
    [
        (Qt.Key.Key_1, "performance_panel", "performanceTable"),
        (Qt.Key.Key_2, "chat_panel", "chatList"),
        (Qt.Key.Key_3, "deliveries_panel", "deliveriesTable"),
        (Qt.Key.Key_4, "chart", "handlingTimeChart"),
    ],
)
def test_ctrl_and_a_number_brings_a_panel_forward_and_focuses_it(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, key: Qt.Key, page: str, focus: str
) -> None:
    window = open_window(folder_config)
    window.tabs.setCurrentWidget(window.deliveries_panel if page == "chat_panel" else window.chat_panel)

    qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)

    panel = getattr(window, page)
    assert window.tabs.currentWidget() is panel or window.tabs.indexOf(panel) < 0
    focused = window.focusWidget()
    assert focused is not None and focused.objectName() == focus


def test_ctrl_f_selects_the_search_text(qtbot: QtBot, open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)
    window.chat_panel.search_box.setText("Jane")
    window.tabs.setCurrentWidget(window.deliveries_panel)

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)

    assert window.focusWidget() is window.chat_panel.search_box
    assert window.chat_panel.search_box.selectedText() == "Jane"


def test_the_end_chat_shortcut_ends_the_selected_chat_and_is_enabled_only_when_it_can(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, confirm: list[str]
) -> None:
    window = open_window(folder_config)
    end_chat = window.window_actions.end_chat
    assert not end_chat.isEnabled()
    window.chat_panel.select_chat(2)
    wait_until_idle(qtbot, window)
    assert end_chat.isEnabled()

    with qtbot.waitSignal(window.transcript_panel.chat_ended):
        qtbot.keyClick(window, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)

    assert len(confirm) == 1
    assert not end_chat.isEnabled()


def test_about_and_quit(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, title, _text: shown.append(title))
    window = open_window(folder_config)

    window.window_actions.about.trigger()
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)

    assert shown == ["About Arthur Desktop"]
    assert not window.isVisible()


def test_the_key_widgets_have_accessible_names(open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)

    names = {
        name: widget.accessibleName()
        for name in (
            "performanceTable",
            "chatList",
            "transcriptView",
            "endChatButton",
            "handlingTimeChart",
            "chatSearch",
            "chatStatusFilter",
            "datePreset",
        )
        if (widget := window.findChild(QWidget, name)) is not None
    }

    assert names == {
        "performanceTable": "Agent performance",
        "chatList": "Chats",
        "transcriptView": "Transcript",
        "endChatButton": "End chat",
        "handlingTimeChart": "Handling time per agent",
        "chatSearch": "Search chats by customer or agent",
        "chatStatusFilter": "Chat status",
        "datePreset": "Period of handled chats",
    }
    assert window.performance_panel.date_filter.accessibleName() == "Date range of handled chats"
