"""A database with Arthur's own tables (the brief's schema, written by other systems) opens and counts right."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from integrations.registry import create_integration
from services.database import open_database
from services.deliveries import retry_pending_deliveries
from services.end_chat import close_chat_and_enqueue
from services.performance import agent_performance
from services.results import DeliveryStatus
from services.storage.schema_upgrade import schema_is_current

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


def test_arthurs_own_database_opens_and_chats_ended_by_other_systems_count(database_url: str) -> None:
    write_arthur_database(database_url)
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
def test_opening_again_changes_nothing(database_url: str, reopen: int) -> None:
    write_arthur_database(database_url)
    for _ in range(reopen + 1):
        open_database(database_url).dispose()

    database = open_database(database_url)
    assert agent_performance(database.unit_of_work())[0].chats_handled == 1
    database.dispose()


def test_an_older_versions_index_is_replaced_and_the_day_totals_built(database_url: str) -> None:
    write_arthur_database(database_url)
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE INDEX ix_chats_agent_handling ON chats (user_id, handle_start)"))
        connection.execute(text("CREATE INDEX ix_chats_handle_end ON chats (handle_end, user_id)"))
    engine.dispose()

    database = open_database(database_url)
    indexes = {index["name"] for index in inspect(database.engine).get_indexes("chats")}
    with database.engine.connect() as connection:
        totals = connection.execute(text("SELECT user_id, chats_handled, handling_ms FROM agent_day_totals")).all()
    database.dispose()

    assert not {"ix_chats_agent_handling", "ix_chats_handle_end"} & indexes
    assert {"ix_chats_agent_handling_end", "ix_chats_ended", "ix_chats_in_progress"} <= indexes
    assert [tuple(row) for row in totals] == [(1, 1, 600_000)]


def test_an_outbox_made_before_claims_named_their_holder_gets_the_column_and_keeps_its_deliveries(
    database_url: str, tmp_path: Path
) -> None:
    database = open_database(database_url)
    close_chat_and_enqueue(2, database.unit_of_work(), "absolutely_class_airlines", datetime(2020, 9, 29, 9, 12))
    with database.engine.begin() as connection:  # the outbox as the previous version made it
        connection.execute(text("ALTER TABLE deliveries DROP COLUMN claimed_by"))
    database.dispose()

    database = open_database(database_url)
    with database.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("deliveries")}
        current = schema_is_current(connection)
    integration = create_integration("absolutely_class_airlines", {"output_folder": str(tmp_path / "out")}, {})
    [delivered] = retry_pending_deliveries(database.unit_of_work(), integration)
    database.dispose()

    assert "claimed_by" in columns and current
    assert (delivered.chat_id, delivered.status) == (2, DeliveryStatus.DELIVERED)
