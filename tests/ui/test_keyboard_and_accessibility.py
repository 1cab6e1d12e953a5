"""Every action in a menu with its shortcut shown; shortcuts that reach the panels; accessible names."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from pytestqt.qtbot import QtBot

from arthur_desktop.about import about_text
from arthur_desktop.main_window import MainWindow
from dialogs import ENTER, DialogAnswerer
from window_helpers import OpenWindow, activate, select_chat

MENUS = {
    "File": [
        ("Export performance…", "Ctrl+E"),
        ("Export chats…", "Ctrl+Shift+E"),
        ("Export trend…", ""),
        ("Export busiest times…", ""),
        ("Quit", "Ctrl+Q"),
    ],
    "View": [
        ("Agent performance", "Ctrl+1"),
        ("Chats", "Ctrl+2"),
        ("Deliveries", "Ctrl+3"),
        ("Handling time", "Ctrl+4"),
        ("Trends", "Ctrl+5"),
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
        assert isinstance(menu, QMenu)
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


def test_every_menu_entry_has_an_access_key_of_its_own(open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)

    def access_keys(actions: list[QAction]) -> list[str]:
        return [QKeySequence.mnemonic(a.text()).toString() for a in actions if not a.isSeparator()]

    menus = {a.text(): access_keys(menu_of(a).actions()) for a in window.menuBar().actions()}
    for keys in [access_keys(window.menuBar().actions()), *menus.values()]:
        assert "" not in keys
        assert len(set(keys)) == len(keys), keys  # two entries on one key: the key only moves between them
    assert menus["&Chat"] == ["Alt+A", "Alt+V", "Alt+E", "Alt+R"]


@pytest.mark.parametrize(
    ("key", "page", "focus"),
    [
        (Qt.Key.Key_1, "performance_panel", "performanceTable"),
        (Qt.Key.Key_2, "chat_panel", "chatList"),
        (Qt.Key.Key_3, "deliveries_panel", "deliveriesTable"),
        (Qt.Key.Key_4, "chart", "handlingTimeChart"),
        (Qt.Key.Key_5, "trends", "trendsChart"),
    ],
)
def test_ctrl_and_a_number_brings_a_panel_forward_and_focuses_it(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, key: Qt.Key, page: str, focus: str
) -> None:
    window = open_window(folder_config)
    window.tabs.setCurrentWidget(window.chat_panel if page == "deliveries_panel" else window.deliveries_panel)

    qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)

    panel = getattr(window, page)
    if page == "performance_panel":  # always on screen, above the tabs: the tabs stay as they were
        assert window.tabs.indexOf(panel) < 0 and window.tabs.currentWidget() is window.deliveries_panel
    else:
        assert window.tabs.currentWidget() is panel
    focused = window.focusWidget()
    assert focused is not None and focused.objectName() == focus


def test_ctrl_f_selects_the_search_text(qtbot: QtBot, open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)
    qtbot.keyClicks(window.chat_panel.search_box, "Jane")
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)

    assert window.focusWidget() is window.chat_panel.search_box
    assert window.chat_panel.search_box.selectedText() == "Jane"


def test_ctrl_f_in_the_search_box_selects_its_text_so_typing_starts_a_new_search(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    search = window.chat_panel.search_box
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(search, "Jane")
    assert search.hasFocus() and search.selectedText() == ""

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(search, "Jerry")

    assert search.text() == "Jerry"


def test_the_end_chat_shortcut_ends_the_selected_chat_and_is_enabled_only_when_it_can(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, confirm: DialogAnswerer
) -> None:
    window = open_window(folder_config)
    end_chat = window.window_actions.end_chat
    assert not end_chat.isEnabled()
    select_chat(qtbot, window, 2)
    assert end_chat.isEnabled()

    with qtbot.waitSignal(window.transcript_panel.chat_ended):
        qtbot.keyClick(window, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)

    assert [dialog.clicked for dialog in confirm] == ["Yes"]
    assert not end_chat.isEnabled()


def test_help_about_from_the_keyboard_shows_the_about_box_and_ctrl_q_quits(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, dialogs: DialogAnswerer
) -> None:
    window = open_window(folder_config)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    dialogs.answer(ENTER)

    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is help_menu)
    qtbot.keyClick(help_menu, Qt.Key.Key_A)  # the about box opens and the timer closes it
    qtbot.waitUntil(lambda: dialogs.unanswered == 0)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)

    (about,) = dialogs.seen
    assert about.title == "About Arthur Desktop"
    assert about.text == about_text(window.context)  # the version and the places: test_app_identity.py
    assert window.isVisible()
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
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


def menu_of(action: QAction) -> QMenu:
    menu = action.menu()
    assert isinstance(menu, QMenu)
    return menu
