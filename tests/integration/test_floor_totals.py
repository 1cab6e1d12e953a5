"""The first responses and the live floor's totals stay equal to the chats and messages, whoever writes them: other
programs (messages before their chat, a message moved, the agent writing first), an older database upgraded, a
bulk load; on a SQLite file and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, select, text
from test_schema_upgrade import write_arthur_database

from administration import upgraded_by_its_administrator
from services.database import open_database
from services.sample_data.generator import GenerationPlan, generate
from services.storage.database import Database
from services.storage.first_response import rebuild_first_responses
from services.storage.floor_totals import rebuild_floor_totals
from services.storage.models import Chat
from services.storage.running_buckets import rebuild_running_buckets

TABLES = ("agent_day_figures", "agent_value_buckets", "day_value_buckets", "slot_counts", "agent_running_buckets")
START = datetime(2024, 1, 1, 9, 0)


def stored(connection: Connection) -> tuple[Any, ...]:
    responses = connection.execute(select(Chat.chat_id, Chat.first_response_seconds).order_by(Chat.chat_id)).all()
    totals = [connection.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2, 3")).all() for table in TABLES]
    return responses, totals


def assert_equal_to_a_rebuild(database: Database) -> None:
    """What the triggers kept equals what a rebuild from every chat and message gives."""
    with database.engine.begin() as connection:
        kept = stored(connection)
        rebuild_first_responses(connection)
        rebuild_floor_totals(connection)
        rebuild_running_buckets(connection)
        assert stored(connection) == kept
        connection.rollback()


def first_response(database: Database, chat_id: int) -> float | None:
    with database.engine.connect() as connection:
        return connection.execute(select(Chat.first_response_seconds).where(Chat.chat_id == chat_id)).scalar()


def test_messages_written_by_another_program_in_any_order_give_the_first_response(database: Database) -> None:
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO chats (chat_id, created, customer_name, user_id, handle_start) "
                "VALUES (10, :created, 'Lee', 1, :start)"
            ),
            {"created": START, "start": START + timedelta(minutes=1)},
        )
        for message_id, user_id, minutes in ((21, 1, 5), (20, None, 2), (22, None, 1)):
            connection.execute(
                text("INSERT INTO messages (message_id, chat_id, text, user_id, sent_at) VALUES (:m, 10, 'x', :u, :s)"),
                {"m": message_id, "u": user_id, "s": START + timedelta(minutes=minutes)},
            )
    assert first_response(database, 10) == 4 * 60  # asked at 09:01 (message 22), answered at 09:05

    with database.engine.begin() as connection:  # the agent's answer moves to another chat: none left
        connection.execute(text("UPDATE messages SET chat_id = 1 WHERE message_id = 21"))
    assert first_response(database, 10) is None
    assert first_response(database, 1) == 60  # chat 1's own first answer, 09:01:20, still comes first

    with database.engine.begin() as connection:  # the agent writes first: measured from handle_start
        connection.execute(
            text("INSERT INTO messages (message_id, chat_id, text, user_id, sent_at) VALUES (23, 10, 'x', 1, :s)"),
            {"s": START + timedelta(seconds=30)},
        )
        connection.execute(text("UPDATE chats SET handle_start = :s WHERE chat_id = 10"), {"s": START})
    assert first_response(database, 10) == 30
    assert_equal_to_a_rebuild(database)


def test_deleting_the_answer_or_the_question_works_the_first_response_out_again(database: Database) -> None:
    # Chat 4: asked 08:44:20, answered 08:46:20 and 08:53:20.
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM messages WHERE message_id = 11"))
    assert first_response(database, 4) == 9 * 60
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM messages WHERE message_id = 10"))  # the agent now wrote first
    assert first_response(database, 4) == 9 * 60  # handle_start is 08:44:20 too
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM messages WHERE chat_id = 4"))
    assert first_response(database, 4) is None
    assert_equal_to_a_rebuild(database)


def test_a_chat_written_after_its_messages_gets_its_first_response(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    engine = create_engine(sqlite_url)  # another program, without foreign keys
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO messages (message_id, chat_id, text, user_id, sent_at) VALUES (40, 30, 'x', NULL, :a)"),
            {"a": START},
        )
        connection.execute(
            text("INSERT INTO messages (message_id, chat_id, text, user_id, sent_at) VALUES (41, 30, 'x', 2, :b)"),
            {"b": START + timedelta(seconds=45)},
        )
        connection.execute(
            text(
                "INSERT INTO chats (chat_id, created, customer_name, user_id, handle_start) VALUES (30, :c, 'M', 2, :c)"
            ),
            {"c": START},
        )
    engine.dispose()

    assert first_response(database, 30) == 45
    assert_equal_to_a_rebuild(database)
    database.dispose()


@pytest.mark.postgres
def test_truncating_the_messages_on_postgresql_clears_the_first_responses(postgres_database: Database) -> None:
    with postgres_database.engine.begin() as connection:
        connection.execute(text("TRUNCATE messages"))

    assert [first_response(postgres_database, chat) for chat in range(1, 7)] == [None] * 6
    assert_equal_to_a_rebuild(postgres_database)


@pytest.mark.postgres
def test_truncating_the_chats_on_postgresql_empties_the_running_buckets(postgres_database: Database) -> None:
    count = text("SELECT count(*) FROM agent_running_buckets")
    with postgres_database.engine.begin() as connection:
        assert connection.execute(count).scalar()  # the seed's agents have rows
        connection.execute(text("TRUNCATE chats CASCADE"))

    with postgres_database.engine.connect() as connection:
        assert connection.execute(count).scalar() == 0


def test_an_older_database_gets_its_first_responses_and_totals_on_opening(bare_database_url: str) -> None:
    database_url = bare_database_url
    write_arthur_database(database_url)
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO messages (message_id, chat_id, text, user_id, sent_at) VALUES "
                "(1, 1, 'Hello', NULL, '2024-01-01 09:01:10'), (2, 1, 'Hi', 1, '2024-01-01 09:01:40')"
            )
        )
    engine.dispose()
    upgraded_by_its_administrator(database_url)

    database = open_database(database_url)
    try:
        assert first_response(database, 1) == 30
        assert_equal_to_a_rebuild(database)
        with database.engine.connect() as connection:
            slots = connection.execute(text("SELECT measure, sum(chats) FROM slot_counts GROUP BY measure")).all()
        assert sorted(slots) == [(0, 2), (3, 1)]  # two chats created, one handled
    finally:
        database.dispose()


def test_a_bulk_load_writes_first_responses_and_totals_equal_to_a_rebuild(database_url: str) -> None:
    database = open_database(database_url, create_and_seed=False)
    try:
        generate(database, GenerationPlan(agents=4, chats=400, messages_per_chat=4, seed=3))
        generate(database, GenerationPlan(agents=1, chats=50, messages_per_chat=3, seed=4), append=True)

        assert_equal_to_a_rebuild(database)
        with database.engine.connect() as connection:
            answered = connection.execute(
                select(Chat.chat_id).where(Chat.first_response_seconds.is_not(None)).limit(1)
            ).scalar()
        assert answered is not None
    finally:
        database.dispose()
