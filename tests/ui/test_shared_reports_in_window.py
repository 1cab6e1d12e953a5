"""On a team's PostgreSQL the automatic refresh reads the reports another desktop kept moments ago; F5 works them
out as they are now (services.shared_reports)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import cast

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from arthur_desktop.context import WindowContext
from arthur_desktop.main_window import MainWindow
from services.config import load_config
from services.storage.database import Database
from window_helpers import wait_until_idle, write_config


@pytest.fixture
def window(qtbot: QtBot, postgres_database: Database, tmp_path: Path, output_folder: Path) -> Iterator[MainWindow]:
    path = write_config(
        tmp_path,
        f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{output_folder}"\n',
        refresh_seconds=120,  # shared reports up to a minute old will do
    )
    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    opened = MainWindow(WindowContext(postgres_database, load_config(str(path), {})), settings)
    qtbot.addWidget(opened)
    opened.show()
    with qtbot.waitSignals([opened.initial_load_done, opened.live_changes.listening], timeout=10_000):
        opened.start()
    wait_until_idle(qtbot, opened)
    yield opened
    opened.close()
    opened.runner.wait_for_done()


def in_progress_shown(window: MainWindow) -> tuple[int, str]:
    table = sum(row.chats_in_progress for row in window.performance_panel.model.rows)
    return table, window.summary_strip.texts()["In progress"]


def server_now(database: Database) -> datetime:
    with database.engine.connect() as connection:
        return cast(datetime, connection.execute(text("SELECT now() AT TIME ZONE 'UTC'")).scalar())


def end_every_chat_in_progress(database: Database) -> None:
    """Another program, which sends no notice."""
    with database.engine.begin() as connection:
        connection.execute(
            text("UPDATE chats SET handle_end = handle_start + interval '1 minute' WHERE handle_end IS NULL")
        )


def shown_then_every_chat_ended(window: MainWindow, database: Database) -> tuple[int, str]:
    """The chats in progress the window shows (some), then another program ends them all, without a notice."""
    shown = in_progress_shown(window)
    assert shown[0] > 0
    end_every_chat_in_progress(database)
    return shown


def another_desktop_says(database: Database, what: str) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("SELECT pg_notify('arthur_changes', :what)"), {"what": what})


def automatic_refresh(qtbot: QtBot, window: MainWindow) -> tuple[int, str]:
    with qtbot.waitSignals([window.performance_panel.loaded, window.summary_strip.loaded], timeout=5000):
        window.refresh_timer.start(1)  # the timer going off, as every refresh_seconds
    window.refresh_timer.stop()
    wait_until_idle(qtbot, window)
    return in_progress_shown(window)


@pytest.mark.postgres
def test_the_automatic_refresh_reuses_the_kept_reports_and_f5_works_them_out(
    qtbot: QtBot, window: MainWindow, postgres_database: Database
) -> None:
    before = shown_then_every_chat_ended(window, postgres_database)

    reused = automatic_refresh(qtbot, window)
    pressed = server_now(postgres_database)
    window.activateWindow()
    with qtbot.waitSignals([window.performance_panel.loaded, window.summary_strip.loaded], timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    wait_until_idle(qtbot, window)

    assert reused == before
    assert in_progress_shown(window) == (0, "0")
    with postgres_database.engine.connect() as connection:  # F5's figures kept for the team's next refreshes
        kept = connection.execute(text("SELECT report FROM shared_reports WHERE computed_at >= :t"), {"t": pressed})
        assert {row.report.split("|")[0] for row in kept} >= {"agent_performance", "floor_summary"}


@pytest.mark.postgres
def test_after_a_deliverys_notice_the_kept_reports_still_do_after_a_chats_they_do_not(
    qtbot: QtBot, window: MainWindow, postgres_database: Database
) -> None:
    before = shown_then_every_chat_ended(window, postgres_database)

    with qtbot.waitSignal(window.live_changes.changed, timeout=5000):
        another_desktop_says(postgres_database, "delivery:1")  # no report adds deliveries up
    wait_until_idle(qtbot, window)
    after_delivery = automatic_refresh(qtbot, window)
    with qtbot.waitSignal(window.live_changes.changed, timeout=5000):
        another_desktop_says(postgres_database, "chat:1")
    wait_until_idle(qtbot, window)
    after_chat = automatic_refresh(qtbot, window)

    assert after_delivery == before  # the kept reports, read
    assert after_chat == (0, "0")  # worked out again: a report from before a chat's notice will not do
