"""A database with Arthur's own tables (the brief's schema, written by other systems), or made by a version before
the schema revisions, is recognised, brought up to date (on opening for SQLite, by `db upgrade` for PostgreSQL) and
counts right."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from administration import made_by_a_version_before_the_revisions, upgraded_by_its_administrator
from integrations.registry import create_integration
from services.database import database_status, open_database
from services.deliveries import retry_pending_deliveries
from services.performance import agent_performance
from services.results import DeliveryStatus

ARTHUR_TABLES = (
    "CREATE TABLE users (user_id INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL UNIQUE)",
    "CREATE TABLE chats (chat_id INTEGER PRIMARY KEY, created TIMESTAMP NOT NULL, customer_name VARCHAR(200) NOT NULL,"
    " user_id INTEGER REFERENCES users (user_id), handle_start TIMESTAMP, handle_end TIMESTAMP)",
    "CREATE TABLE messages (message_id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL REFERENCES chats (chat_id),"
    " text TEXT NOT NULL, user_id INTEGER REFERENCES users (user_id), sent_at TIMESTAMP NOT NULL)",
    "INSERT INTO users VALUES (1, 'Ann'), (2, 'Bob')",
    "INSERT INTO chats VALUES (1, '2024-01-01 09:00:00.000000', 'Cara', 1,"
    " '2024-01-01 09:01:00.000000', '2024-01-01 09:11:00.000000')",
    "INSERT INTO chats VALUES (2, '2024-01-01 10:00:00.000000', 'Dan', 2, '2024-01-01 10:00:30.000000', NULL)",
)


def write_arthur_database(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in ARTHUR_TABLES:
            connection.execute(text(statement))
    engine.dispose()


def test_arthurs_own_database_opens_and_chats_ended_by_other_systems_count(bare_database_url: str) -> None:
    database_url = bare_database_url
    write_arthur_database(database_url)
    upgraded_by_its_administrator(database_url)
    database = open_database(database_url)

    before = agent_performance(database.unit_of_work())
    with database.engine.begin() as connection:  # Arthur itself ends Bob's chat, knowing nothing of this app
        connection.execute(text("UPDATE chats SET handle_end = '2024-01-01 10:05:30.000000' WHERE chat_id = 2"))
    after = agent_performance(database.unit_of_work())
    database.dispose()

    assert [(p.name, p.chats_handled, p.chats_in_progress, p.average_handling_seconds) for p in before] == [
        ("Ann", 1, 0, 600.0),
        ("Bob", 0, 1, None),
    ]
    assert (after[1].chats_handled, after[1].average_handling_seconds) == (1, 300.0)


@pytest.mark.parametrize("reopen", [1, 2])
def test_opening_again_changes_nothing(bare_database_url: str, reopen: int) -> None:
    database_url = bare_database_url
    write_arthur_database(database_url)
    upgraded_by_its_administrator(database_url)
    for _ in range(reopen + 1):
        open_database(database_url).dispose()

    database = open_database(database_url)
    assert agent_performance(database.unit_of_work())[0].chats_handled == 1
    database.dispose()


def test_an_older_versions_index_is_replaced_and_the_day_totals_built(bare_database_url: str) -> None:
    database_url = bare_database_url
    write_arthur_database(database_url)
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE INDEX ix_chats_agent_handling ON chats (user_id, handle_start)"))
        connection.execute(text("CREATE INDEX ix_chats_handle_end ON chats (handle_end, user_id)"))
    engine.dispose()
    upgraded_by_its_administrator(database_url)

    database = open_database(database_url)
    indexes = {index["name"] for index in inspect(database.engine).get_indexes("chats")}
    with database.engine.connect() as connection:
        totals = connection.execute(text("SELECT user_id, chats_handled, handling_ms FROM agent_day_totals")).all()
    database.dispose()

    assert not {"ix_chats_agent_handling", "ix_chats_handle_end"} & indexes
    assert {"ix_chats_agent_handling_end", "ix_chats_ended", "ix_chats_in_progress"} <= indexes
    assert [tuple(row) for row in totals] == [(1, 1, 600_000)]


def test_an_outbox_made_before_claims_named_their_holder_gets_the_column_and_keeps_its_deliveries(
    bare_database_url: str, tmp_path: Path
) -> None:
    database_url = bare_database_url
    write_arthur_database(database_url)
    made_by_a_version_before_the_revisions(database_url, "0003_day_totals")
    engine = create_engine(database_url)
    with engine.begin() as connection:  # that version ended chat 2 and queued its transcript
        connection.execute(text("UPDATE chats SET handle_end = '2024-01-01 10:05:30' WHERE chat_id = 2"))
        connection.execute(
            text(
                "INSERT INTO deliveries (chat_id, client, status, attempts, created, updated) VALUES "
                "(2, 'absolutely_class_airlines', 'pending', 0, '2024-01-01 10:05:30', '2024-01-01 10:05:30')"
            )
        )
    engine.dispose()
    recognised = database_status(database_url).state.layout
    upgraded_by_its_administrator(database_url)

    database = open_database(database_url)
    with database.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("deliveries")}
    current = database_status(database_url).state.current
    integration = create_integration("absolutely_class_airlines", {"output_folder": str(tmp_path / "out")}, {})
    [delivered] = retry_pending_deliveries(database.unit_of_work(), integration)
    database.dispose()

    assert (recognised, "claimed_by" in columns, current) == ("0003_day_totals", True, True)
    assert (delivered.chat_id, delivered.status) == (2, DeliveryStatus.DELIVERED)
