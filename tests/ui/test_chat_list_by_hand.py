"""The chat list used with mouse and keyboard: clicks with Ctrl and Shift, a search typed a key at a time,
and scrolling down until the next page of chats loads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from arthur_desktop.main_window import MainWindow
from arthur_desktop.models.record_model import KEY_ROLE
from arthur_desktop.widgets.chat_panel import ChatPanel
from arthur_desktop.widgets.record_table import RecordTable
from seed_data import SEED_DAY, add_chat
from services.chats import DEFAULT_PAGE_SIZE
from window_helpers import OpenWindow, chat_ids, click_row, wait_until_idle

SEED_CHATS = [3, 2, 5, 1, 6, 4]
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
TYPING_GAP_MS = 30  # between key presses: a fast typist, well inside the search's pause


def selected_keys(table: RecordTable) -> list[int]:
    return [index.data(KEY_ROLE) for index in table.selectionModel().selectedRows()]


def type_slowly(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """One key at a time, the window running between them (QTest's own delay only sleeps); "\b" is Backspace."""
    for position, character in enumerate(text):
        if position:
            qtbot.wait(TYPING_GAP_MS)
        if character == "\b":
            qtbot.keyClick(widget, Qt.Key.Key_Backspace)
        else:
            qtbot.keyClicks(widget, character)


def test_ctrl_and_shift_clicks_select_several_chats_and_the_transcript_follows_the_last_click(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    table = window.chat_panel.table

    click_row(qtbot, table, 3)
    wait_until_idle(qtbot, window)
    assert selected_keys(table) == [3]
    assert window.transcript_panel.caption.text() == "Chat 3 · Jerry · Ended · Test User 3"

    click_row(qtbot, table, 2, CTRL)
    wait_until_idle(qtbot, window)
    assert sorted(selected_keys(table)) == [2, 3]
    assert window.transcript_panel.caption.text().startswith("Chat 2 · Jane")
    assert window.transcript_panel.end_chat_button.text() == "End chat"  # chat 3 has ended: only 2 can be

    click_row(qtbot, table, 1, SHIFT)  # the list: [3, 2, 5, 1, 6, 4]; Shift extends it down to chat 1
    wait_until_idle(qtbot, window)
    assert sorted(selected_keys(table)) == [1, 2, 3, 5]
    assert window.transcript_panel.caption.text() == "Chat 1 · John · Ended · Test User 1"

    qtbot.keyClick(table, Qt.Key.Key_Down, SHIFT)
    wait_until_idle(qtbot, window)
    assert sorted(selected_keys(table)) == [1, 2, 3, 5, 6]

    click_row(qtbot, table, 4)
    wait_until_idle(qtbot, window)
    assert selected_keys(table) == [4]
    assert not window.transcript_panel.end_chat_button.isEnabled()


def test_a_search_typed_key_by_key_loads_the_list_once_after_the_pause(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    shown: list[list[int]] = []
    window.chat_panel.loaded.connect(lambda _source: shown.append(chat_ids(window)))
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    search = QApplication.focusWidget()
    assert search is window.chat_panel.search_box

    type_slowly(qtbot, search, "jan")
    assert chat_ids(window) == SEED_CHATS  # just typed: nothing loaded yet
    assert not window.runner.is_running(ChatPanel.SOURCE)
    qtbot.waitUntil(lambda: chat_ids(window) == [2])
    wait_until_idle(qtbot, window)

    assert shown == [[2]]  # one load, after the last key: not one per key
    type_slowly(qtbot, search, "\b\b\b")
    qtbot.waitUntil(lambda: chat_ids(window) == SEED_CHATS)
    assert shown == [[2], SEED_CHATS]


def scroll_down_with_the_wheel(table: RecordTable) -> None:
    """One notch of the mouse wheel over the list, as the mouse sends it."""
    viewport = table.viewport()
    where = QPointF(viewport.rect().center())
    notch = QWheelEvent(
        where,
        QPointF(viewport.mapToGlobal(where.toPoint())),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, notch)


def scroll_by_wheel(qtbot: QtBot, window: MainWindow) -> None:
    """Notch after notch, as a person turns the wheel, until the list asks for more."""
    table, rows = window.chat_panel.table, window.chat_panel.model.rowCount()
    for _notch in range(200):
        scroll_down_with_the_wheel(table)
        qtbot.wait(1)
        if window.chat_panel.model.rowCount() > rows or window.runner.is_running("chats-more"):
            return


def scroll_by_ctrl_end(qtbot: QtBot, window: MainWindow) -> None:
    """Click the first chat, then Ctrl+End: the last loaded chat."""
    table = window.chat_panel.table
    click_row(qtbot, table, window.chat_panel.model.rows[0].chat_id)
    qtbot.keyClick(table, Qt.Key.Key_End, CTRL)


@pytest.mark.parametrize("scroll", [scroll_by_wheel, scroll_by_ctrl_end], ids=["mouse-wheel", "ctrl+end"])
def test_scrolling_to_the_end_of_the_chat_list_loads_the_next_page(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, scroll: Callable[[QtBot, MainWindow], None]
) -> None:
    window = open_window(folder_config)
    database = window.context.database
    added = [
        add_chat(database, user_id=1, start=SEED_DAY + timedelta(days=1, seconds=n), seconds=60, customer=f"C{n}")
        for n in range(DEFAULT_PAGE_SIZE + 50)
    ]
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.chat_panel.model.rowCount() == DEFAULT_PAGE_SIZE)
    wait_until_idle(qtbot, window)

    scroll(qtbot, window)
    qtbot.waitUntil(lambda: window.chat_panel.model.rowCount() == len(added) + len(SEED_CHATS))

    assert chat_ids(window) == [*reversed(added), *SEED_CHATS]  # newest first, each chat once
    assert not window.chat_panel.model.canFetchMore(window.chat_panel.table.rootIndex())
