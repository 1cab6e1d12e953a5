"""Fill a database with synthetic agents, chats and messages, in bulk (COPY on PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text

from services.clock import utc_now
from services.errors import ArthurError
from services.sample_data.seed import advance_postgres_sequences
from services.sample_data.synthetic_data import ChatFactory, SyntheticMessage, first_response_seconds
from services.storage.database import Database
from services.storage.day_totals import resume_day_totals, suspend_day_totals
from services.storage.first_response import resume_first_response, suspend_first_response
from services.storage.floor_totals import resume_floor_totals, suspend_floor_totals
from services.storage.models import Chat, Message, User
from services.storage.running_buckets import resume_running_buckets, suspend_running_buckets
from services.storage.unit_of_work import begin_now

BATCH_CHATS = 20_000
_COLUMNS = {
    "users": ("user_id", "name"),
    "chats": ("chat_id", "created", "customer_name", "user_id", "handle_start", "handle_end", "first_response_seconds"),
    "messages": ("message_id", "chat_id", "text", "user_id", "sent_at"),
}


class DatabaseNotEmpty(ArthurError):
    pass


@dataclass(frozen=True)
class GenerationPlan:
    agents: int
    chats: int
    messages_per_chat: int
    seed: int = 2020


@dataclass(frozen=True)
class GenerationSummary:
    agents: int
    chats: int
    messages: int
    seconds: float


def generate(
    database: Database,
    plan: GenerationPlan,
    *,
    append: bool = False,
    now: datetime | None = None,
    on_progress: Callable[[int], object] = lambda chats_written: None,
) -> GenerationSummary:
    """Add plan.agents agents and plan.chats chats; refuses a database holding chats unless append."""
    started = time.perf_counter()
    first_user, first_chat, first_message, existing_chats = _next_ids(database)
    if existing_chats and not append:
        raise DatabaseNotEmpty(
            f"{database.display_url} already holds {existing_chats} chats; pass --append to add to them."
        )
    agent_ids = list(range(first_user, first_user + plan.agents))
    # The seed and the first id together: appending again adds new chats, not a copy of the last ones.
    factory = ChatFactory(agent_ids, now or utc_now(), f"{plan.seed}:{first_chat}")
    writer = _writer_for(database)
    with database.engine.begin() as connection:
        begin_now(connection)  # so that a failed load also puts the triggers back
        suspend_day_totals(connection)
        suspend_first_response(connection)
        suspend_floor_totals(connection)
        suspend_running_buckets(connection)
        raw = connection.connection.driver_connection
        writer(raw, "users", [(user_id, f"Agent {user_id:04d}") for user_id in agent_ids])
        message_id = first_message
        for batch_start in range(first_chat, first_chat + plan.chats, BATCH_CHATS):
            batch_end = min(batch_start + BATCH_CHATS, first_chat + plan.chats)
            chats = [factory.chat(chat_id) for chat_id in range(batch_start, batch_end)]
            messages: list[SyntheticMessage] = []
            chat_rows = []
            for chat in chats:
                own = list(factory.messages(chat, plan.messages_per_chat, message_id))
                messages.extend(own)
                chat_rows.append((*_chat_row(chat), first_response_seconds(chat, own)))
                message_id += plan.messages_per_chat
            writer(raw, "chats", chat_rows)
            writer(raw, "messages", [(m.message_id, m.chat_id, m.text, m.user_id, m.sent_at) for m in messages])
            on_progress(len(chats))
        resume_day_totals(connection)
        resume_first_response(connection, rebuild=False)  # the rows were written with their first responses
        resume_floor_totals(connection)
        resume_running_buckets(connection)
    _tidy_after_bulk_load(database)
    return GenerationSummary(
        plan.agents, plan.chats, plan.chats * plan.messages_per_chat, time.perf_counter() - started
    )


def _tidy_after_bulk_load(database: Database) -> None:
    """Fresh planner statistics; on PostgreSQL also the visibility map (VACUUM), without which its
    index-only scans read the table anyway, and sequences moved past the explicit ids."""
    if database.dialect == "postgresql":
        with database.unit_of_work() as uow:
            advance_postgres_sequences(uow.session)
            uow.commit()
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with database.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def _next_ids(database: Database) -> tuple[int, int, int, int]:
    with database.unit_of_work() as uow:
        session = uow.session
        return (
            (session.scalar(select(func.max(User.user_id))) or 0) + 1,
            (session.scalar(select(func.max(Chat.chat_id))) or 0) + 1,
            (session.scalar(select(func.max(Message.message_id))) or 0) + 1,
            session.scalar(select(func.count()).select_from(Chat)) or 0,
        )


def _chat_row(chat: Any) -> tuple[Any, ...]:
    return (
        chat.chat_id,
        chat.created,
        chat.customer_name,
        chat.user_id,
        chat.handle_start,
        chat.handle_end,
    )


Writer = Callable[[Any, str, Sequence[tuple[Any, ...]]], None]


def _writer_for(database: Database) -> Writer:
    return _copy_rows if database.dialect == "postgresql" else _insert_sqlite_rows


def _copy_rows(connection: Any, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
    columns = ", ".join(_COLUMNS[table])
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert_sqlite_rows(connection: Any, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
    columns = _COLUMNS[table]
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    connection.executemany(sql, ([_sqlite_value(v) for v in row] for row in rows))


def _sqlite_value(value: Any) -> Any:
    # The text form SQLAlchemy's DateTime uses on SQLite, so comparisons and parsing stay consistent.
    return value.isoformat(sep=" ", timespec="microseconds") if isinstance(value, datetime) else value
