"""The day totals under other writers: SQLite text timestamps in other forms, REPLACE, time zones, two
desktops opening an older database at once, and a bulk load that leaves PostgreSQL readers alone."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text
from test_schema_upgrade import write_arthur_database

from services.database import open_database, upgrade_database
from services.performance import agent_performance
from services.results import AgentPerformance, TimeWindow
from services.sample_data.generator import GenerationPlan, generate
from services.storage.database import Database

MIDNIGHT = datetime(2024, 1, 2)


def figures(database: Database, window: TimeWindow | None = None) -> dict[str, AgentPerformance]:
    return {row.name or "": row for row in agent_performance(database.unit_of_work(), window)}


@pytest.mark.parametrize("written_as", ["2024-01-02 00:00:00", "2024-01-02 00:00:00.000", "2024-01-01 23:59:59"])
def test_sqlite_timestamps_written_in_shorter_forms_count_once(sqlite_url: str, written_as: str) -> None:
    write_arthur_database(sqlite_url)
    database = open_database(sqlite_url)
    with database.engine.begin() as connection:  # another program ends Bob's chat in its own format
        connection.execute(text("UPDATE chats SET handle_end = :end WHERE chat_id = 2"), {"end": written_as})
    on_the_day = written_as.startswith("2024-01-02")

    windows = {
        "from midnight": (TimeWindow(MIDNIGHT), 1 if on_the_day else 0),
        "to midnight": (TimeWindow(None, MIDNIGHT), 0 if on_the_day else 1),
        "part-days around it": (TimeWindow(MIDNIGHT - timedelta(hours=5), MIDNIGHT + timedelta(hours=5)), 1),
        "from the hour before": (TimeWindow(MIDNIGHT - timedelta(hours=1)), 1),
    }
    counted = {name: figures(database, window)["Bob"].chats_handled for name, (window, _) in windows.items()}
    database.dispose()

    assert counted == {name: expected for name, (_, expected) in windows.items()}


def test_replacing_a_chat_row_on_sqlite_counts_it_once(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT OR REPLACE INTO chats (chat_id, created, customer_name, user_id, handle_start, handle_end)"
                " SELECT chat_id, created, customer_name, user_id, handle_start, handle_end FROM chats"
            )
        )
    rows = figures(database)
    database.dispose()

    assert [(r.chats_handled, r.average_handling_seconds) for r in rows.values()] == [
        (1, 300.0),
        (0, None),
        (2, 390.0),
    ]


def test_a_window_in_another_time_zone_is_the_same_utc_window(database: Database) -> None:
    dublin_summer = timezone(timedelta(hours=1))
    naive = TimeWindow(datetime(2020, 9, 29, 8, 0), datetime(2020, 9, 29, 9, 5))
    aware = TimeWindow(datetime(2020, 9, 29, 9, 0, tzinfo=dublin_summer), datetime(2020, 9, 29, 9, 5, tzinfo=UTC))

    assert agent_performance(database.unit_of_work(), aware) == agent_performance(database.unit_of_work(), naive)


def test_desktops_opening_an_older_database_at_the_same_moment_all_open_it(bare_database_url: str) -> None:
    """SQLite: each desktop brings the file up to date on opening, one after the other. PostgreSQL: desktops never
    do; administrators running `db upgrade` at the same moment take turns (an advisory lock)."""
    database_url = bare_database_url
    write_arthur_database(database_url)
    start = threading.Barrier(4)
    outcomes: list[object] = []

    def open_it() -> None:
        start.wait()
        try:
            if database_url.startswith("postgresql"):
                upgrade_database(database_url)
            database = open_database(database_url)
            outcomes.append(figures(database)["Ann"].chats_handled)
            database.dispose()
        except Exception as error:
            outcomes.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == [1, 1, 1, 1]


@pytest.mark.postgres
def test_a_bulk_load_on_postgresql_does_not_lock_readers_out(postgres_database: Database) -> None:
    url = postgres_database.engine.url.render_as_string(hide_password=False)
    watcher = create_engine(url)
    exclusive: list[int] = []

    def look_at_locks(_: int) -> None:
        with watcher.connect() as connection:
            exclusive.append(
                connection.execute(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE relation = 'chats'::regclass AND granted"
                        " AND mode = 'AccessExclusiveLock'"
                    )
                ).scalar_one()
            )

    plan = GenerationPlan(agents=2, chats=300, messages_per_chat=1)
    generate(postgres_database, plan, append=True, on_progress=look_at_locks)
    watcher.dispose()

    assert exclusive == [0]
    assert sum(row.chats_handled for row in figures(postgres_database).values()) > 3
