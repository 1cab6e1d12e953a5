"""The chat search's trigram index stays in step with the chats and is used for searches."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update
from test_schema_upgrade import write_arthur_database

from seed_data import add_chat
from services.chats import list_chats
from services.database import open_database
from services.results import ChatFilter
from services.storage.database import Database
from services.storage.models import Chat


def found(database: Database, search: str) -> list[int]:
    return [c.chat_id for c in list_chats(database.unit_of_work(), ChatFilter(search=search)).chats]


def test_new_renamed_and_deleted_chats_are_searched_as_they_are_now(database: Database) -> None:
    chat_id = add_chat(database, user_id=None, start=None, seconds=None, customer="Oisín Fitzgerald")
    assert found(database, "fitzger") == [chat_id]

    with database.unit_of_work() as uow:
        uow.session.execute(update(Chat).where(Chat.chat_id == chat_id).values(customer_name="Ana Costa"))
        uow.commit()
    assert (found(database, "fitzger"), found(database, "COSTA")) == ([], [chat_id])

    with database.unit_of_work() as uow:
        uow.session.execute(delete(Chat).where(Chat.chat_id == chat_id))
        uow.commit()
    assert found(database, "costa") == []


def test_quotes_and_short_terms_are_searched_literally(database: Database) -> None:
    quoted = add_chat(database, user_id=None, start=None, seconds=None, customer='Dwayne "The Rock" Johnson')
    apostrophe = add_chat(database, user_id=None, start=None, seconds=None, customer="Seán O'Brien")

    assert found(database, '"the rock"') == [quoted]
    assert found(database, "o'b") == [apostrophe]
    assert found(database, "ja") == [2, 4]  # two letters: too short for trigrams, still found


def test_a_database_made_before_the_index_gets_it_when_opened(sqlite_url: str) -> None:
    write_arthur_database(sqlite_url)  # the brief's tables with their chats, as Arthur made them

    reopened = open_database(sqlite_url)

    assert found(reopened, "car") == [1]
    with reopened.engine.connect() as connection:
        plan = " ".join(
            str(row)
            for row in connection.execute(
                text("EXPLAIN QUERY PLAN SELECT rowid FROM chat_search WHERE chat_search MATCH '\"jac\"'")
            )
        )
    reopened.dispose()
    assert "VIRTUAL TABLE" in plan


@pytest.mark.postgres
def test_postgresql_has_a_trigram_index_on_customer_names(postgres_database: Database) -> None:
    with postgres_database.engine.connect() as connection:
        definition = connection.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_chats_customer_trigram'")
        ).scalar()
    assert definition is not None and "gin_trgm_ops" in definition
