"""Another desktop ends a chat: this window shows it at its next refresh (SQLite), or at once (PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from arthur_desktop.context import WindowContext
from arthur_desktop.main_window import MainWindow
from integrations.registry import create_integration
from seed_data import SEED_DAY, add_chat, add_recent_chat
from services.config import load_config
from services.database import open_database
from services.end_chat import end_chat
from services.results import ChatStatus
from services.storage.database import Database
from window_helpers import OpenWindow, chat_ids, choose, select_chat, wait_until_idle, write_config


def chat_status(window: MainWindow, chat_id: int) -> ChatStatus | None:
    return next((c.status for c in window.chat_panel.model.rows if c.chat_id == chat_id), None)


def end_chat_on_another_desktop(url: str, chat_id: int, folder: Path) -> None:
    other = open_database(url, create_and_seed=False)
    try:
        integration = create_integration("absolutely_class_airlines", {"output_folder": str(folder)}, {})
        end_chat(chat_id, other.unit_of_work(), integration)
    finally:
        other.dispose()


def folder_config_refreshing_every(tmp_path: Path, output_folder: Path, seconds: int) -> Path:
    return write_config(
        tmp_path,
        f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{output_folder}"\n',
        refresh_seconds=seconds,
    )


def test_a_chat_ended_elsewhere_shows_at_the_next_refresh_in_place_keeping_selection_and_scroll(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, output_folder: Path, sqlite_url: str
) -> None:
    window = open_window(folder_config_refreshing_every(tmp_path, output_folder, 1))
    table, model = window.chat_panel.table, window.chat_panel.model
    for number in range(40):  # newer than the seed's chats, so chat 2 is far down the list
        add_chat(window.context.database, user_id=3, start=SEED_DAY + timedelta(days=1), seconds=number)
    qtbot.waitUntil(lambda: model.rowCount() == 46, timeout=4000)
    select_chat(qtbot, window, 2)
    scroll = table.verticalScrollBar().value()
    assert scroll > 0
    resets: list[bool] = []
    changed: list[int] = []
    model.modelAboutToBeReset.connect(lambda: resets.append(True))
    model.dataChanged.connect(lambda first, _last, *_roles: changed.append(first.row()))

    end_chat_on_another_desktop(sqlite_url, 2, output_folder)
    qtbot.waitUntil(lambda: chat_status(window, 2) is ChatStatus.ENDED, timeout=4000)
    wait_until_idle(qtbot, window)

    assert resets == []  # rows updated in place (dataChanged), not a reset that would lose the view's state
    assert model.row_for_key(2) in changed
    assert chat_ids(window)[-6:] == [3, 2, 5, 1, 6, 4]
    selected = window.chat_panel.selected_chat()
    assert selected is not None and (selected.chat_id, selected.status) == (2, ChatStatus.ENDED)
    assert table.verticalScrollBar().value() == scroll
    assert window.transcript_panel.caption.text() == "Chat 2 · Jane · Ended · Test User 1"
    assert not window.transcript_panel.end_chat_button.isEnabled()
    assert not window.window_actions.end_chat.isEnabled()
    performance = {r.name: (r.chats_handled, r.chats_in_progress) for r in window.performance_panel.model.rows}
    assert performance["Test User 1"] == (2, 0)


def test_on_sqlite_there_is_no_listener_thread(qtbot: QtBot, open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)

    qtbot.waitUntil(lambda: not window.live_changes.running)


def started_window(qtbot: QtBot, database: Database, config_path: Path) -> MainWindow:
    config = load_config(str(config_path), {})
    settings = QSettings(str(config_path.parent / "w.ini"), QSettings.Format.IniFormat)
    window = MainWindow(WindowContext(database, config), settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignals([window.initial_load_done, window.live_changes.listening], timeout=10_000):
        window.start()
    wait_until_idle(qtbot, window)
    return window


@pytest.fixture
def postgres_window(
    qtbot: QtBot, postgres_database: Database, tmp_path: Path, output_folder: Path
) -> Iterator[MainWindow]:
    window = started_window(qtbot, postgres_database, folder_config_refreshing_every(tmp_path, output_folder, 3600))
    yield window
    window.close()
    window.runner.wait_for_done()


def handled_and_in_progress(window: MainWindow, name: str) -> tuple[int, int]:
    row = next(r for r in window.performance_panel.model.rows if r.name == name)
    return row.chats_handled, row.chats_in_progress


@pytest.mark.postgres
def test_on_postgresql_a_chat_ended_elsewhere_shows_at_once(
    qtbot: QtBot, postgres_window: MainWindow, postgres_database: Database, output_folder: Path
) -> None:
    window = postgres_window
    select_chat(qtbot, window, 2)
    url = postgres_database.engine.url.render_as_string(hide_password=False)

    end_chat_on_another_desktop(url, 2, output_folder)
    ended = time.monotonic()
    qtbot.waitUntil(lambda: chat_status(window, 2) is ChatStatus.ENDED, timeout=3000)

    assert time.monotonic() - ended < 3  # the automatic refresh is an hour away
    assert window.refresh_timer.remainingTime() > 3_000_000
    selected = window.chat_panel.selected_chat()
    assert selected is not None and selected.status is ChatStatus.ENDED


@pytest.mark.postgres
def test_a_chat_ended_elsewhere_reloads_the_lists_at_once_and_the_performance_table_at_the_next_refresh(
    qtbot: QtBot, postgres_window: MainWindow, postgres_database: Database, output_folder: Path
) -> None:
    window = postgres_window
    before = handled_and_in_progress(window, "Test User 1")
    performance_loads: list[str] = []
    window.performance_panel.loaded.connect(performance_loads.append)
    url = postgres_database.engine.url.render_as_string(hide_password=False)

    end_chat_on_another_desktop(url, 2, output_folder)
    qtbot.waitUntil(lambda: chat_status(window, 2) is ChatStatus.ENDED, timeout=3000)
    qtbot.waitUntil(lambda: any(r.chat_id == 2 for r in window.deliveries_panel.model.rows), timeout=3000)
    qtbot.wait(500)  # the notice of the delivery's outcome comes too
    wait_until_idle(qtbot, window)

    assert performance_loads == []
    assert handled_and_in_progress(window, "Test User 1") == before
    window.refresh_timer.timeout.emit()  # the automatic refresh
    qtbot.waitUntil(lambda: performance_loads != [], timeout=3000)
    handled, in_progress = before
    assert handled_and_in_progress(window, "Test User 1") == (handled + 1, in_progress - 1)


@pytest.mark.postgres
def test_an_automatic_refresh_that_meets_a_loading_list_reloads_the_performance_table_a_little_later(
    qtbot: QtBot, postgres_window: MainWindow
) -> None:
    window = postgres_window
    performance_loads: list[str] = []
    window.performance_panel.loaded.connect(performance_loads.append)

    window.chat_panel.refresh()  # still loading when the timer fires
    window.refresh_timer.timeout.emit()

    assert performance_loads == []
    qtbot.waitUntil(lambda: performance_loads == ["performance"], timeout=3000)


@pytest.mark.postgres
def test_without_automatic_refresh_a_chat_ended_elsewhere_reloads_the_performance_table_at_once(
    qtbot: QtBot, postgres_database: Database, tmp_path: Path, output_folder: Path
) -> None:
    window = started_window(qtbot, postgres_database, folder_config_refreshing_every(tmp_path, output_folder, 0))
    handled, in_progress = handled_and_in_progress(window, "Test User 1")
    url = postgres_database.engine.url.render_as_string(hide_password=False)
    try:
        end_chat_on_another_desktop(url, 2, output_folder)

        qtbot.waitUntil(
            lambda: handled_and_in_progress(window, "Test User 1") == (handled + 1, in_progress - 1), timeout=3000
        )
    finally:
        window.close()
        window.runner.wait_for_done()


@pytest.mark.postgres
def test_a_window_holds_three_connections_two_for_its_loads_and_one_listening(
    qtbot: QtBot, postgres_window: MainWindow, postgres_database: Database
) -> None:
    window = postgres_window
    window.tabs.setCurrentWidget(window.chart)  # four loads at once: performance, chats, deliveries, chart
    for _ in range(3):
        window.refresh()
        window.deliveries_panel.retry_all()
        wait_until_idle(qtbot, window)

    counter = create_engine(postgres_database.engine.url, poolclass=NullPool)  # not one of the window's
    with counter.connect() as connection:
        held = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).scalar_one()
    counter.dispose()

    assert held == 3


@pytest.mark.postgres
def test_closing_the_window_stops_the_listener_within_a_second(postgres_window: MainWindow) -> None:
    assert postgres_window.live_changes.running

    started = time.monotonic()
    postgres_window.close()

    assert time.monotonic() - started < 1.0
    assert not postgres_window.live_changes.running


@pytest.mark.postgres
def test_a_cut_live_changes_connection_is_a_warning_in_the_window(
    qtbot: QtBot, postgres_window: MainWindow, postgres_database: Database
) -> None:
    with postgres_database.engine.connect() as connection:
        connection.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND starts_with(query, 'LISTEN')"
        )

    qtbot.waitUntil(lambda: bool(postgres_window.message_bar.messages()), timeout=3000)

    [message] = postgres_window.message_bar.messages()
    assert message.startswith("Lost the live-changes connection: ")
    assert "server closed the connection" in message
    assert "\n" not in message
    assert postgres_window.message_bar.isVisible()


@pytest.mark.postgres
def test_a_chat_ended_elsewhere_that_the_list_does_not_show_reloads_only_the_deliveries(
    qtbot: QtBot, postgres_window: MainWindow, postgres_database: Database, output_folder: Path
) -> None:
    window = postgres_window
    panel = window.chat_panel
    choose(qtbot, panel.status_box, "Waiting")  # chat 2, in progress, is not in the list
    wait_until_idle(qtbot, window)
    assert 2 not in chat_ids(window)
    loads: list[str] = []
    panel.loaded.connect(loads.append)
    window.deliveries_panel.loaded.connect(loads.append)
    url = postgres_database.engine.url.render_as_string(hide_password=False)

    end_chat_on_another_desktop(url, 2, output_folder)
    qtbot.waitUntil(lambda: any(r.chat_id == 2 for r in window.deliveries_panel.model.rows), timeout=3000)
    qtbot.wait(1500)  # the notice of the delivery's outcome, and its spread
    wait_until_idle(qtbot, window)

    assert set(loads) == {window.deliveries_panel.SOURCE}


def another_program(url: str, sql: str) -> None:
    """sql run and committed by another program, on a connection of its own."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text(sql))
    engine.dispose()


def delivery_attempts(window: MainWindow, chat_id: int) -> int | None:
    return next((d.attempts for d in window.deliveries_panel.model.rows if d.chat_id == chat_id), None)


@pytest.mark.postgres
def test_a_delivery_changed_elsewhere_is_read_again_alone_and_takes_its_place_at_the_top(
    qtbot: QtBot, postgres_window: MainWindow, postgres_database: Database, output_folder: Path
) -> None:
    window = postgres_window
    url = postgres_database.engine.url.render_as_string(hide_password=False)
    end_chat_on_another_desktop(url, 2, output_folder)
    qtbot.waitUntil(lambda: delivery_attempts(window, 2) == 1, timeout=3000)
    wait_until_idle(qtbot, window)
    another_program(url, "UPDATE deliveries SET attempts = 7 WHERE chat_id = 2")  # which tells no one
    later = add_recent_chat(postgres_database, "Zoe", waited=60, running=30, user_id=1)

    end_chat_on_another_desktop(url, later, output_folder)
    qtbot.waitUntil(lambda: delivery_attempts(window, later) == 1, timeout=3000)
    wait_until_idle(qtbot, window)

    assert window.deliveries_panel.model.row_at(0).chat_id == later  # the newest, on top
    assert delivery_attempts(window, 2) == 1  # the rest of the list was not read again
    window.refresh_timer.timeout.emit()  # the automatic refresh reads the whole list
    qtbot.waitUntil(lambda: delivery_attempts(window, 2) == 7, timeout=3000)

    another_program(  # deletes one, and says which
        url,
        "WITH gone AS (DELETE FROM deliveries WHERE chat_id = 2 RETURNING delivery_id) "
        "SELECT pg_notify('arthur_changes', 'delivery:' || delivery_id) FROM gone",
    )
    qtbot.waitUntil(lambda: delivery_attempts(window, 2) is None, timeout=3000)
    assert delivery_attempts(window, later) == 1


def customer_of(window: MainWindow, chat_id: int) -> str | None:
    return next((c.customer_name for c in window.chat_panel.model.rows if c.chat_id == chat_id), None)


@pytest.mark.postgres
def test_a_notice_reads_again_the_chats_it_names_and_the_automatic_refresh_every_open_one(
    qtbot: QtBot, postgres_window: MainWindow, postgres_database: Database, output_folder: Path
) -> None:
    window = postgres_window
    assert chat_status(window, 5) is ChatStatus.WAITING
    url = postgres_database.engine.url.render_as_string(hide_password=False)
    another_program(url, "UPDATE chats SET customer_name = 'Julie' WHERE chat_id = 5")  # which tells no one

    end_chat_on_another_desktop(url, 2, output_folder)
    qtbot.waitUntil(lambda: chat_status(window, 2) is ChatStatus.ENDED, timeout=3000)
    qtbot.wait(1500)  # the notice of the delivery's outcome, and its spread
    wait_until_idle(qtbot, window)

    assert customer_of(window, 5) == "Julia"  # chat 5 was not named: not compared again
    window.refresh_timer.timeout.emit()  # the automatic refresh compares every open chat
    qtbot.waitUntil(lambda: customer_of(window, 5) == "Julie", timeout=3000)
