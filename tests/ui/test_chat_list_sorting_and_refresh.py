"""The chat list in the window: a header click re-reads every chat in that order; refreshes and paging together
lose and duplicate nothing; selection and scroll position stay."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sorting_data import CHATS, reference_order, write_chats_to_sort
from sqlalchemy import insert, text

from arthur_desktop.widgets.chat_panel import ChatPanel
from arthur_desktop.workers import TaskRunner
from seed_data import SEED_DAY
from services.database import open_database
from services.results import ChatSort, ChatSortKey
from services.storage.database import Database
from services.storage.models import Chat
from window_helpers import OpenWindow, chat_ids, click_row, wait_until_idle, write_config

HANDLING, AGENT = 5, 2  # columns of the chat list


@pytest.fixture
def panel_to_sort(qtbot: QtBot, bare_database_url: str) -> Iterator[ChatPanel]:
    """A chat list of pages of seven over chats with missing values, ties and both time forms, shown."""
    write_chats_to_sort(bare_database_url)
    database = open_database(bare_database_url)
    runner = TaskRunner()
    panel = ChatPanel(database, runner, page_size=7)
    qtbot.addWidget(panel)
    panel.resize(700, 260)  # a few rows in view: the rest is loaded as the list scrolls
    panel.show()
    with qtbot.waitSignal(panel.loaded):
        panel.refresh()
    yield panel
    runner.wait_for_done()
    database.dispose()


def click_header(qtbot: QtBot, panel: ChatPanel, column: int) -> None:
    header = panel.table.horizontalHeader()
    centre = QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2, header.height() // 2)
    with qtbot.waitSignal(panel.loaded):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def scroll_to_the_end(qtbot: QtBot, table: QWidget, done: Callable[[], bool], *, presses: int = 400) -> None:
    """Real Ctrl+End presses on the list until done() (each may make the view fetch the next page)."""
    for _ in range(presses):
        if done():
            return
        qtbot.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        qtbot.wait(5)
    raise AssertionError("the list stopped loading")


def loaded_ids(panel: ChatPanel) -> list[int]:
    return [int(panel.table.proxy.index(row, 0).data()) for row in range(panel.table.proxy.rowCount())]


def test_a_header_click_sorts_every_chat_in_the_database_not_only_the_page_loaded(
    qtbot: QtBot, panel_to_sort: ChatPanel
) -> None:
    panel, database = panel_to_sort, panel_to_sort._database
    for column, key, descending in (
        (HANDLING, ChatSortKey.HANDLING_SECONDS, True),
        (AGENT, ChatSortKey.AGENT_NAME, False),
    ):
        click_header(qtbot, panel, column)  # Handling starts longest first; Agent A to Z
        expected = reference_order(database, key, descending=descending)
        assert panel.model.chat_sort == ChatSort(key, descending)
        assert loaded_ids(panel) == expected[:7]  # the first page of the whole list, not the old page re-sorted

        scroll_to_the_end(
            qtbot, panel.table, lambda: panel.model.rowCount() == CHATS and panel.model.next_cursor is None
        )

        assert loaded_ids(panel) == expected  # missing values ("—") last

    click_header(qtbot, panel, AGENT)  # again: Z to A, still "—" last
    scroll_to_the_end(qtbot, panel.table, lambda: panel.model.rowCount() == CHATS)
    assert loaded_ids(panel) == reference_order(database, ChatSortKey.AGENT_NAME, descending=True)


def folder_client(folder: Path) -> str:
    return f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{folder}/out"\n'


def add_chats(database: Database, minutes_before_seed: list[float]) -> None:
    """Ended chats created this many minutes before the seed's day starts, in one transaction."""
    rows = [
        {
            "created": SEED_DAY - timedelta(minutes=minutes),
            "customer_name": f"Customer {minutes}",
            "user_id": 1,
            "handle_start": SEED_DAY - timedelta(minutes=minutes - 0.5),
            "handle_end": SEED_DAY - timedelta(minutes=minutes - 1),
        }
        for minutes in minutes_before_seed
    ]
    with database.unit_of_work() as uow:
        uow.session.execute(insert(Chat), rows)
        uow.commit()


def newest_first(database: Database) -> list[int]:
    query = "SELECT chat_id FROM chats ORDER BY created DESC NULLS LAST, chat_id DESC"
    with database.engine.connect() as connection:
        return [row[0] for row in connection.execute(text(query))]


def test_a_refresh_every_50_ms_while_scrolling_with_the_keys_loses_and_duplicates_no_chat(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, sqlite_url: str
) -> None:
    seeded = open_database(sqlite_url)
    add_chats(seeded, [float(minutes) for minutes in range(30, 1030)])  # 1,006 chats: six pages of 200
    seeded.dispose()
    window = open_window(write_config(tmp_path, folder_client(tmp_path), refresh_seconds=1))
    window.refresh_timer.setInterval(50)  # the window's own timer, refreshing every 50 ms
    database, table, counts = window.context.database, window.chat_panel.table, []
    table.setFocus()

    for step in range(300):
        if window.chat_panel.model.next_cursor is None and step > 40:
            break
        qtbot.keyClick(table, Qt.Key.Key_PageDown)
        qtbot.wait(10)
        counts.append(window.chat_panel.model.rowCount())
        if step % 10 == 0:  # new chats meanwhile: the newest of all, and ones in the middle of the list
            add_chats(database, [-float(step) - 5, 200.5 + step, 900.25 + step])
    window.refresh_timer.stop()
    wait_until_idle(qtbot, window)
    window.chat_panel.refresh()
    wait_until_idle(qtbot, window)

    shown = chat_ids(window)
    assert counts == sorted(counts)  # rows never disappear
    assert len(shown) == len(set(shown))
    assert shown == newest_first(database)  # every chat, new ones in their place, in the list's order
    assert len(shown) > 1006 + 20


def test_selection_and_scroll_position_stay_when_a_refresh_adds_chats_above_and_in_between(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, sqlite_url: str
) -> None:
    seeded = open_database(sqlite_url)
    add_chats(seeded, [float(minutes) for minutes in range(30, 430)])
    seeded.dispose()
    window = open_window(write_config(tmp_path, folder_client(tmp_path)))
    table = window.chat_panel.table
    scroll_to_the_end(qtbot, table, lambda: window.chat_panel.model.next_cursor is None)
    wait_until_idle(qtbot, window)
    selected = chat_ids(window)[300]
    click_row(qtbot, table, selected)
    top_row_before = int(table.proxy.index(table.rowAt(0), 0).data())

    add_chats(window.context.database, [-3.0, -2.0, 100.5, 350.5])  # two above every row, two in between
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: len(chat_ids(window)) == 410)
    wait_until_idle(qtbot, window)

    chat = window.chat_panel.selected_chat()
    assert chat is not None and chat.chat_id == selected
    assert int(table.proxy.index(table.rowAt(0), 0).data()) == top_row_before
    assert chat_ids(window) == newest_first(window.context.database)
