"""Opening, creating and seeding the database; SQLite settings for shared files."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from services.database import open_database, prepare_schema
from services.errors import DatabaseUnavailable, InvalidDatabaseUrl, UnknownUser
from services.performance import agent_performance
from services.storage.database import parse_database_url, resolve_database_url
from services.storage.models import Chat, Message, User
from services.users import get_user


def row_counts(url: str) -> tuple[int, int, int]:
    database = open_database(url, create_and_seed=False)
    try:
        with database.unit_of_work() as uow:
            return tuple(  # type: ignore[return-value]
                uow.session.scalar(select(func.count()).select_from(m)) for m in (User, Chat, Message)
            )
    finally:
        database.dispose()


def test_a_new_database_is_created_and_seeded_with_exactly_the_brief_rows(database_url: str) -> None:
    open_database(database_url).dispose()

    assert row_counts(database_url) == (3, 6, 13)


def test_opening_again_does_not_seed_twice(database_url: str) -> None:
    open_database(database_url).dispose()
    open_database(database_url).dispose()

    assert row_counts(database_url) == (3, 6, 13)


def test_seeding_leaves_new_ids_free_after_the_seed_rows(database_url: str) -> None:
    database = open_database(database_url)
    with database.unit_of_work() as uow:
        user = User(name="Fresh Agent")
        uow.session.add(user)
        uow.session.flush()
        assert user.user_id == 4
    database.dispose()


def test_a_database_holding_data_is_left_untouched_by_seeding(database_url: str) -> None:
    database = open_database(database_url, create_and_seed=False)
    with database.unit_of_work() as uow:
        uow.session.add(User(user_id=42, name="Only Agent"))
        uow.commit()

    assert prepare_schema(database, seed=True) is False
    assert [a.name for a in agent_performance(database.unit_of_work())] == ["Only Agent"]
    database.dispose()


def test_users_are_found_by_id(database_url: str) -> None:
    database = open_database(database_url)
    assert get_user(database.unit_of_work(), 3).name == "Test User 3"
    database.dispose()


def test_an_unknown_user_is_a_named_error_carrying_the_id_asked_for(database_url: str) -> None:
    database = open_database(database_url)
    with pytest.raises(UnknownUser) as unknown:
        get_user(database.unit_of_work(), 99)
    database.dispose()

    assert (str(unknown.value), unknown.value.user_id) == ("There is no user with id 99.", 99)


def test_user_names_are_unique(database_url: str) -> None:
    database = open_database(database_url)
    with pytest.raises(IntegrityError), database.unit_of_work() as uow:
        uow.session.add(User(name="Test User 1"))
        uow.commit()
    database.dispose()


def test_sqlite_enforces_foreign_keys_and_uses_wal_with_a_busy_timeout(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar_one() >= 5000
    with pytest.raises(IntegrityError), database.unit_of_work() as uow:
        uow.session.add(Message(chat_id=999, text="orphan", sent_at=datetime(2020, 1, 1)))
        uow.commit()
    database.dispose()


def test_an_in_memory_database_is_one_seeded_demo_shared_by_threads() -> None:
    database = open_database("sqlite://")
    counts: list[int] = []

    def count_users() -> None:
        counts.append(len(agent_performance(database.unit_of_work())))

    worker = threading.Thread(target=count_users)
    worker.start()
    worker.join()
    assert counts == [3]
    database.dispose()


@pytest.mark.parametrize("url", ["not a url", "mysql://user@localhost/db", "sqlite+nodriver:///x.db"])
def test_a_malformed_or_unsupported_url_is_a_clear_error(url: str) -> None:
    with pytest.raises(InvalidDatabaseUrl):
        open_database(url)


def test_a_plain_postgresql_url_uses_psycopg() -> None:
    assert parse_database_url("postgresql://u@h:5/db").drivername == "postgresql+psycopg"


def test_an_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(DatabaseUnavailable, match="Cannot open the database"):
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/arthur")


def test_a_file_that_is_not_a_database_is_a_clear_error_and_stays_as_it_was(tmp_path: Path) -> None:
    not_a_database = tmp_path / "notes.db"
    not_a_database.write_text("shopping list")

    with pytest.raises(DatabaseUnavailable, match="not a database"):
        open_database(f"sqlite:///{not_a_database}")
    assert not_a_database.read_text() == "shopping list"


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_DATA_HOME names the user's data folder on Linux")
def test_the_url_comes_from_the_option_then_the_environment_then_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environ = {"ARTHUR_DATABASE_URL": "sqlite:///env.db"}
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

    assert resolve_database_url("sqlite:///cli.db", environ) == "sqlite:///cli.db"
    assert resolve_database_url(None, environ) == "sqlite:///env.db"
    assert resolve_database_url(None, {}) == f"sqlite:///{tmp_path / 'data' / 'arthur-desktop' / 'arthur.db'}"


def test_a_desktop_opening_an_older_database_while_another_writes_to_it_waits_instead_of_failing(
    tmp_path: Path,
) -> None:
    """SQLite refuses the switch to WAL at once, without its busy timeout, while another connection holds the write
    lock: so desktops opening a database made before WAL, at the same moment, could fail with "database is locked"."""
    path = tmp_path / "older.db"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)  # committed by a timer thread
    writer.execute("CREATE TABLE other_programs_table (x INTEGER)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO other_programs_table VALUES (1)")
    threading.Timer(0.5, writer.execute, ["COMMIT"]).start()

    started = time.monotonic()
    database = open_database(f"sqlite:///{path}")
    waited = time.monotonic() - started
    with database.engine.connect() as connection:
        mode = connection.execute(text("PRAGMA journal_mode")).scalar_one()
    database.dispose()
    writer.close()

    assert (mode, waited >= 0.4) == ("wal", True)
