"""Helpers shared by the UI tests."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from pytestqt.qtbot import QtBot

from arthur_desktop.main_window import MainWindow
from arthur_desktop.models.record_model import RecordTableModel
from arthur_desktop.widgets.record_table import RecordTable

OpenWindow = Callable[[Path], MainWindow]


def write_config(folder: Path, text: str, *, refresh_seconds: int = 0) -> Path:
    path = folder / "config.toml"
    path.write_text(f"{text}[window]\nrefresh_seconds = {refresh_seconds}\n", "utf-8")
    return path


def wait_until_idle(qtbot: QtBot, window: MainWindow, timeout: int = 5000) -> None:
    """Every worker has finished and its outcome has reached the widgets."""
    qtbot.waitUntil(lambda: window.runner.active_count == 0, timeout=timeout)


def displayed(model: RecordTableModel[Any]) -> list[list[str]]:
    return [
        [str(model.index(row, column).data()) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def chat_ids(window: MainWindow) -> list[int]:
    """The chat list in the order the view shows it."""
    proxy = window.chat_panel.table.proxy
    return [int(proxy.index(row, 0).data()) for row in range(proxy.rowCount())]


def row_centre(table: RecordTable, key: Hashable) -> QPoint:
    """Where a person clicks to pick the row with this key: its first cell, scrolled into view."""
    source_row = table.source_model.row_for_key(key)
    assert source_row is not None, f"no row with key {key!r} is loaded"
    index = table.proxy.mapFromSource(table.source_model.index(source_row, 0))
    table.scrollTo(index)
    return table.visualRect(index).center()


def click_row(
    qtbot: QtBot,
    table: RecordTable,
    key: Hashable,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """A left click on the row with this key, with Ctrl or Shift held if asked."""
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifiers, row_centre(table, key))


def show_tab(qtbot: QtBot, window: MainWindow, page: QWidget) -> None:
    """Click the page's tab (Chats, Deliveries, Handling time)."""
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(window.tabs.indexOf(page)).center())
    assert window.tabs.currentWidget() is page


def select_chat(qtbot: QtBot, window: MainWindow, chat_id: int) -> None:
    """Click the chat in the chat list (bringing the list forward first) and wait for its transcript."""
    show_tab(qtbot, window, window.chat_panel)
    click_row(qtbot, window.chat_panel.table, chat_id)
    chat = window.chat_panel.selected_chat()
    assert chat is not None and chat.chat_id == chat_id
    wait_until_idle(qtbot, window)


def choose(qtbot: QtBot, box: QComboBox, text: str) -> None:
    """Open the drop-down with a click and click the entry with this text."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    view = box.view()
    qtbot.waitUntil(view.isVisible)
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # the drop-down ignores a release this soon after opening
    row = box.findText(text)
    assert row >= 0, f"no entry {text!r}"
    where = view.visualRect(view.model().index(row, box.modelColumn())).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.waitUntil(lambda: not view.isVisible())
    assert box.currentText() == text
    activate(qtbot, box.window())


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Give the window the keyboard back, as a desktop does when a dialog or menu closes; the offscreen
    platform leaves the closed popup or dialog active, and shortcuts and Alt+letter only reach the active window."""
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
