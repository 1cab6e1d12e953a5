"""The window on the seed database: performance figures, the chat list, filters, refresh and remembered layout."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path
from types import FrameType

from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtWidgets import QToolBar
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from arthur_desktop.models.chat_model import ChatModel
from arthur_desktop.models.record_model import SORT_ROLE, RecordTableModel
from arthur_desktop.widgets.chat_panel import ChatPanel
from arthur_desktop.workers import TaskRunner
from seed_data import SEED_DAY, add_chat
from services.database import open_database
from services.end_chat import end_chat
from services.local_time import display_zone, zone_name
from window_helpers import (
    OpenWindow,
    chat_ids,
    choose,
    click_row,
    displayed,
    select_chat,
    wait_until_idle,
    write_config,
)


def test_the_performance_table_shows_the_seed_figures(open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)

    assert window.findChild(type(window.performance_panel.table), "performanceTable") is not None
    assert displayed(window.performance_panel.model) == [
        ["Test User 1", "1", "1", "5m 00s", "5m 00s", "3m 30s", "3m 30s", "1m 30s", "1m 30s"],
        ["Test User 2", "0", "0", "—", "—", "—", "—", "—", "—"],
        ["Test User 3", "2", "0", "6m 30s", "6m 30s", "3m 00s", "3m 00s", "2m 00s", "2m 00s"],
    ]


def test_durations_sort_by_seconds_not_by_text(qtbot: QtBot, open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)
    table = window.chat_panel.table

    table.sortByColumn(5, Qt.SortOrder.AscendingOrder)  # Handling: 3m 00s, 5m 00s, 10m 00s, then none
    wait_until_idle(qtbot, window)  # the list is read again in that order
    handling = [table.proxy.index(row, 5).data() for row in range(table.proxy.rowCount())]

    assert handling == ["3m 00s", "5m 00s", "10m 00s", "—", "—", "—"]
    assert table.proxy.index(0, 5).data(SORT_ROLE) == 180.0


def test_the_chat_list_shows_every_chat_newest_first(open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)

    assert chat_ids(window) == [3, 2, 5, 1, 6, 4]
    assert displayed(window.chat_panel.model)[1] == [
        "2",
        "Jane",
        "Test User 1",
        "In progress",
        "2020-09-29 09:00",
        "—",
        "2m 00s",  # Waited: picked up two minutes after it was created (the column shows in the Waiting view)
    ]


def test_the_chat_list_filters_by_status_and_searches_customer_and_agent(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    panel = window.chat_panel

    choose(qtbot, panel.status_box, "Waiting")
    qtbot.waitUntil(lambda: chat_ids(window) == [6, 5])  # the queue: longest waiting first
    choose(qtbot, panel.status_box, "All statuses")
    qtbot.waitUntil(lambda: len(chat_ids(window)) == 6)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(panel.search_box, "user 3")
    qtbot.waitUntil(lambda: chat_ids(window) == [3, 4])
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # selects the text: typing replaces it
    qtbot.keyClicks(panel.search_box, "JAN")
    qtbot.waitUntil(lambda: chat_ids(window) == [2])


def test_the_date_range_filter_limits_the_handled_chats(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    model = window.performance_panel.model

    choose(qtbot, window.performance_panel.date_filter.preset_box, "Today")
    qtbot.waitUntil(lambda: [r.chats_handled for r in model.rows] == [0, 0, 0])
    window.performance_panel.date_filter.set_custom_range(date(2020, 9, 29), date(2020, 9, 29))
    qtbot.waitUntil(lambda: [r.chats_handled for r in model.rows] == [1, 0, 2])


def test_f5_refreshes_and_keeps_the_selected_chat(qtbot: QtBot, open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)
    select_chat(qtbot, window, 1)
    add_chat(window.context.database, user_id=2, start=SEED_DAY, seconds=60, customer="Newcomer")

    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: len(chat_ids(window)) == 7)
    wait_until_idle(qtbot, window)

    chat = window.chat_panel.selected_chat()
    assert chat is not None and chat.chat_id == 1
    assert [r.chats_handled for r in window.performance_panel.model.rows] == [1, 1, 2]


def test_the_automatic_refresh_picks_up_new_chats_and_keeps_selection_and_scroll(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, output_folder: Path
) -> None:
    config = write_config(
        tmp_path,
        f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{output_folder}"\n',
        refresh_seconds=1,
    )
    window = open_window(config)
    database = window.context.database
    for number in range(40):
        add_chat(database, user_id=1, start=SEED_DAY, seconds=number, customer=f"Customer {number}")
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: len(chat_ids(window)) == 46)
    click_row(qtbot, window.chat_panel.table, 4)  # the oldest chat: the last row, scrolled into view
    scroll = window.chat_panel.table.verticalScrollBar().value()
    assert scroll > 0

    add_chat(database, user_id=3, start=SEED_DAY, seconds=30, customer="Latecomer")
    qtbot.waitUntil(lambda: len(chat_ids(window)) == 47, timeout=5000)

    chat = window.chat_panel.selected_chat()
    assert chat is not None and chat.chat_id == 4
    assert window.chat_panel.table.verticalScrollBar().value() == scroll


def test_the_status_bar_names_the_database_and_the_client(
    open_window: OpenWindow, folder_config: Path, output_folder: Path, sqlite_url: str
) -> None:
    window = open_window(folder_config)

    assert window.status.database_label.text() == f"Database: {sqlite_url}"
    client = f"Client: Absolutely Class Airlines folder · {output_folder}"
    assert window.status.client_label.text() == f"{client} · times: {zone_name(display_zone())}"


def test_an_unusable_database_shows_a_message_in_the_window(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    with window.context.database.engine.begin() as connection:
        connection.execute(text("ALTER TABLE chats RENAME TO chats_elsewhere"))

    toolbar = window.findChild(QToolBar, "mainToolBar")
    assert toolbar is not None
    qtbot.mouseClick(toolbar.widgetForAction(window.window_actions.refresh), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.message_bar.messages()) == 4)  # the summary strip's too

    assert window.message_bar.isVisible()
    assert "The chat list could not be loaded: The database could not be used" in window.message_bar.label.text()
    assert "The summary could not be loaded: The database could not be used" in window.message_bar.label.text()
    assert "no such table: chats" in window.message_bar.label.text()


def test_the_window_remembers_its_geometry_and_splitters(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, window_settings: QSettings
) -> None:
    window = open_window(folder_config)
    window.resize(700, 560)  # the offscreen screen is 800 x 800
    window.splitters["main"].setSizes([300, 380])
    window.splitters["left"].setSizes([100, 400])
    choose(qtbot, window.performance_panel.date_filter.preset_box, "Last 30 days")
    sizes = {name: splitter.sizes() for name, splitter in window.splitters.items()}
    window.close()

    reopened = open_window(folder_config)
    reopened.restore_layout()

    assert (reopened.size().width(), reopened.size().height()) == (700, 560)
    assert {name: splitter.sizes() for name, splitter in reopened.splitters.items()} == sizes
    assert sizes["main"] != [740, 520]
    assert reopened.performance_panel.date_filter.preset() == "Last 30 days"


def test_the_chat_list_loads_further_pages_as_the_view_asks_for_them(qtbot: QtBot, sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    runner = TaskRunner()
    panel = ChatPanel(database, runner, page_size=2)
    qtbot.addWidget(panel)
    try:
        with qtbot.waitSignal(panel.loaded):
            panel.refresh()
        assert [c.chat_id for c in panel.model.rows] == [3, 2]

        panel.model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: panel.model.rowCount() == 4)
        panel.model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: panel.model.rowCount() == 6)

        assert [c.chat_id for c in panel.model.rows] == [3, 2, 5, 1, 6, 4]
        assert not panel.model.canFetchMore(QModelIndex())
        with qtbot.waitSignal(panel.loaded):
            panel.refresh()  # a refresh reloads every row already shown, not just the first page
        assert panel.model.rowCount() == 6
    finally:
        runner.wait_for_done()
        database.dispose()


_MODEL_MULTI_DATA = RecordTableModel.multiData.__code__
_ANSWERING_ROLES = (_MODEL_MULTI_DATA, ChatModel.data.__code__)  # the model's multiData; ChatModel.data's super()


def test_painting_a_table_calls_into_python_once_per_cell_not_once_per_role(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    """Each call into Python from a paint must win the interpreter lock back from the worker threads: a cell's
    roles come in one multiData call, through the tables' proxies too (arthur_desktop.models.proxies)."""
    window = open_window(folder_config)
    wait_until_idle(qtbot, window)
    end_chat(2, window.context.database.unit_of_work(), window.context.integration)  # a row in Deliveries
    with qtbot.waitSignal(window.deliveries_panel.loaded):
        window.deliveries_panel.refresh()
    window.tabs.setCurrentWidget(window.deliveries_panel)
    for table in (window.performance_panel.table, window.chat_panel.table, window.deliveries_panel.table):
        from_qt = Counter[str]()

        def watch(frame: FrameType, event: str, _arg: object, from_qt: Counter[str] = from_qt) -> None:
            code, caller = frame.f_code, frame.f_back.f_code if frame.f_back is not None else None
            if event == "call" and code is _MODEL_MULTI_DATA:
                from_qt["multiData"] += 1
            elif event == "call" and code.co_name == "data" and caller not in _ANSWERING_ROLES:
                from_qt["data"] += 1  # one role asked by Qt (directly or through a proxy), one call into Python

        sys.setprofile(watch)
        try:
            table.viewport().grab()
        finally:
            sys.setprofile(None)

        assert from_qt["multiData"] >= table.source_model.rowCount() > 0  # every row painted, a cell in one call
        assert from_qt["data"] == 0
