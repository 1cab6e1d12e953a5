"""The unit of work's guards, what reads lock, and the constraints that keep one delivery per chat."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from test_schema_upgrade import write_arthur_database

from seed_data import SEED_DAY
from services.database import open_database
from services.end_chat import close_chat_and_enqueue
from services.performance import agent_performance
from services.storage.database import Database
from services.storage.models import Delivery, User


def test_a_unit_of_work_used_outside_its_with_block_is_refused(database: Database) -> None:
    uow = database.unit_of_work()

    with pytest.raises(RuntimeError, match=r"^The unit of work is used outside its 'with' block\.$"):
        uow.session.add(User(name="Nobody"))
    with uow:
        pass
    with pytest.raises(RuntimeError, match="outside its 'with' block"):
        uow.commit()


def test_a_unit_of_work_nested_in_itself_is_refused_and_the_outer_block_writes_nothing(database: Database) -> None:
    uow = database.unit_of_work()

    nested = r"^The unit of work is already in use; open a new one for nested work\.$"
    with pytest.raises(RuntimeError, match=nested), uow:
        uow.session.add(User(name="Outer Agent"))
        uow.session.flush()
        with uow:
            uow.commit()
    with uow:  # usable again, and the outer block was rolled back
        names = uow.session.scalars(select(User.name).order_by(User.user_id)).all()

    assert names == ["Test User 1", "Test User 2", "Test User 3"]


def test_a_unit_of_work_reused_after_a_block_starts_a_new_transaction(database: Database) -> None:
    uow = database.unit_of_work()
    with uow:
        uow.session.add(User(name="First"))
        uow.commit()
    with uow:
        uow.session.add(User(name="Second"))  # not committed: rolled back at the end of the block
    with uow:
        count = uow.session.scalar(select(func.count()).select_from(User))

    assert count == 4


class OtherProgram:
    """Another program writing the same database, on its own connection, refusing to wait for any lock."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add_ended_chat(self, user_id: int, seconds: int) -> None:
        start = SEED_DAY + timedelta(hours=1)
        values = (SEED_DAY, "Late Customer", user_id, start, start + timedelta(seconds=seconds))
        url = self.database.engine.url
        if self.database.dialect == "sqlite":
            writer = sqlite3.connect(str(url.database), timeout=0, isolation_level=None)
            try:  # "database is locked" at once if a reader held SQLite's write lock
                writer.execute("BEGIN IMMEDIATE")
                writer.execute(
                    "INSERT INTO chats (created, customer_name, user_id, handle_start, handle_end)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [value.isoformat(" ") if hasattr(value, "isoformat") else value for value in values],
                )
                writer.execute("COMMIT")
            finally:
                writer.close()
            return
        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(
                "INSERT INTO chats (created, customer_name, user_id, handle_start, handle_end)"
                " VALUES (%s, %s, %s, %s, %s)",
                values,
            )


def test_a_writer_committing_between_the_counts_and_the_median_seeks_is_not_blocked_and_not_counted(
    database: Database,
) -> None:
    """Agent 3 handled two chats (3 and 10 minutes). Another program ends a 10-second chat of theirs after the counts
    were read and before the medians are sought: the figures are those of one moment, and the writer never waits."""
    other_program = OtherProgram(database)
    selects: list[str] = []

    def after_a_statement(*args: Any) -> None:
        statement = args[2]
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)
            if len(selects) == 1:
                other_program.add_ended_chat(user_id=3, seconds=10)

    event.listen(database.engine, "after_cursor_execute", after_a_statement)
    during = {row.user_id: row for row in agent_performance(database.unit_of_work())}
    event.remove(database.engine, "after_cursor_execute", after_a_statement)
    after = {row.user_id: row for row in agent_performance(database.unit_of_work())}

    def figures(row: Any) -> tuple[int, float | None, float | None]:
        return row.chats_handled, row.average_handling_seconds, row.median_handling_seconds

    # Of one moment: all before the writer's chat or all after it, never counts of one and medians of the other
    # (which statement comes first depends on the engine's plan of figures).
    assert figures(during[3]) in [(2, 390.0, 390.0), figures(after[3])]
    assert (after[3].chats_handled, after[3].median_handling_seconds) == (3, 180.0)


ANOTHER_DELIVERY_OF_CHAT_2 = {
    "chat_id": 2,
    "client": "savage_rentals",
    "status": "pending",
    "attempts": 0,
    "created": SEED_DAY,
    "updated": SEED_DAY,
}
DUPLICATE = "UNIQUE constraint failed: deliveries.chat_id|duplicate key value violates unique constraint"


def test_a_second_delivery_row_for_a_chat_is_refused_by_the_database(database: Database) -> None:
    delivery_id = close_chat_and_enqueue(2, database.unit_of_work(), "savage_rentals", SEED_DAY + timedelta(hours=1))

    with pytest.raises(IntegrityError, match=DUPLICATE), database.engine.begin() as connection:
        connection.execute(insert(Delivery), ANOTHER_DELIVERY_OF_CHAT_2)

    with database.unit_of_work() as uow:
        rows = uow.session.execute(select(Delivery.delivery_id, Delivery.chat_id)).all()
    assert [tuple(r) for r in rows] == [(delivery_id, 2)]


def test_an_upgraded_database_keeps_one_delivery_per_chat_too(sqlite_url: str) -> None:
    """A database Arthur made gets the outbox from the upgrade, with the same constraint."""
    write_arthur_database(sqlite_url)  # chat 2 is in progress there
    upgraded = open_database(sqlite_url)
    try:
        close_chat_and_enqueue(2, upgraded.unit_of_work(), "savage_rentals", datetime(2024, 1, 1, 10, 5))
        with pytest.raises(IntegrityError, match=DUPLICATE), upgraded.engine.begin() as connection:
            connection.execute(insert(Delivery), ANOTHER_DELIVERY_OF_CHAT_2)
    finally:
        upgraded.dispose()
