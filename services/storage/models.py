"""SQLAlchemy 2 typed tables for Arthur's users, chats and messages (naive UTC timestamps).

Columns typed "X | None" with nullable=False: Arthur Desktop creates them NOT NULL, but the brief's three
tables may be made by other programs without that constraint, so every reader takes NULL (shown as "—").
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Computed,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    column,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.storage.sql_time import seconds_between
from services.storage.value_buckets import BOUNDS

IN_PROGRESS = text("handle_start IS NOT NULL AND handle_end IS NULL")
ENDED = text("handle_end IS NOT NULL")


class Base(DeclarativeBase):
    pass


def handling_seconds_computed() -> Computed:
    """A generated column: every engine computes it from the row, stored for new tables."""
    return Computed(seconds_between(column("handle_start"), column("handle_end")), persisted=True)


def wait_seconds_computed() -> Computed:
    return Computed(seconds_between(column("created"), column("handle_start")), persisted=True)


WAITING = text("handle_start IS NULL AND handle_end IS NULL")


class User(Base):
    __tablename__ = "users"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=False)


def chat_list_sort_indexes() -> tuple[Index, ...]:
    """The chat list's common sorts besides newest first (services.chat_order): a sort's value, then chat_id,
    so each page is a seek in index order. Created by the schema upgrade like every index of the tables."""
    return (
        Index("ix_chats_customer_order", "customer_name", "chat_id"),
        Index("ix_chats_handling_order", "handling_seconds", "chat_id"),
    )


class Chat(Base):
    __tablename__ = "chats"
    __table_args__ = (
        # Each agent's handled chats in handling-time order, so a median is a seek to the middle entry;
        # handle_end is in it so a time window is filtered without reading the table.
        Index("ix_chats_agent_handling_end", "user_id", "handling_seconds", "handle_end"),
        # Ended chats in a handle_end range, covered. Only ended ones: were chats without handle_end in it,
        # SQLite's planner (its statistics see one chat per handle_end value, NULL too) would look chats in
        # progress up here and read the table for each, instead of using the index below.
        Index(
            "ix_chats_ended", "handle_end", "user_id", "handling_seconds", sqlite_where=ENDED, postgresql_where=ENDED
        ),
        # Only the chats in progress (thousands of a million), counted per agent without the table.
        Index("ix_chats_in_progress", "user_id", sqlite_where=IN_PROGRESS, postgresql_where=IN_PROGRESS),
        # The chat list's order (newest first) and keyset paging, overall and per agent; with the wait and
        # first response, so the figures of a few days are read from these indexes alone (services.floor_*).
        Index("ix_chats_created_figures", "created", "chat_id", "wait_seconds", "first_response_seconds"),
        Index(
            "ix_chats_agent_created_figures", "user_id", "created", "chat_id", "wait_seconds", "first_response_seconds"
        ),
        # Each agent's, and everyone's, chats in order of wait and of first response, for the medians' seeks.
        Index("ix_chats_agent_wait", "user_id", "wait_seconds", "created"),
        Index("ix_chats_agent_first_response", "user_id", "first_response_seconds", "created"),
        Index("ix_chats_wait", "wait_seconds", "created"),
        Index("ix_chats_first_response", "first_response_seconds", "created"),
        # Everyone's handled chats in handling-time order, and each agent's by handle_end (a few days' medians).
        Index("ix_chats_handling", "handling_seconds", "handle_end", sqlite_where=ENDED, postgresql_where=ENDED),
        Index(
            "ix_chats_agent_ended",
            "user_id",
            "handle_end",
            "handling_seconds",
            sqlite_where=ENDED,
            postgresql_where=ENDED,
        ),
        # The queue: the chats still waiting, longest first.
        Index("ix_chats_waiting", "created", "chat_id", sqlite_where=WAITING, postgresql_where=WAITING),
        *chat_list_sort_indexes(),
    )

    chat_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created: Mapped[datetime | None] = mapped_column(DateTime, nullable=False)
    customer_name: Mapped[str | None] = mapped_column(String(200), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"))
    handle_start: Mapped[datetime | None] = mapped_column(DateTime)
    handle_end: Mapped[datetime | None] = mapped_column(DateTime)
    # handle_end - handle_start in seconds, kept by the database itself (whoever ends the chat), so that the
    # performance figures over millions of chats read one indexed column instead of computing every duration.
    handling_seconds: Mapped[float | None] = mapped_column(Float, handling_seconds_computed())
    # handle_start - created: how long the customer waited for an agent, kept by the database like handling_seconds.
    wait_seconds: Mapped[float | None] = mapped_column(Float, wait_seconds_computed())
    # From the customer's first message to the agent's first answer (services.storage.first_response), kept by triggers
    # on messages and chats, since it depends on other rows.
    first_response_seconds: Mapped[float | None] = mapped_column(Float)


class AgentDayTotal(Base):
    """Chats handled per agent per UTC day of handle_end, kept by triggers on chats (services.storage.day_totals).

    The performance table sums these instead of reading every chat: its cost grows with agents x days.
    """

    __tablename__ = "agent_day_totals"
    __table_args__ = (
        # A time window's days for every agent at once, without reading the table.
        Index("ix_agent_day_totals_day", "day", "user_id", "chats_handled", "handling_ms"),
        # Stored in key order on SQLite, so summing an agent's days reads one stretch of the table.
        {"sqlite_with_rowid": False},
    )

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    chats_handled: Mapped[int] = mapped_column(Integer)
    # Whole milliseconds (handling_seconds is rounded to them), so adding and removing chats stays exact.
    handling_ms: Mapped[int] = mapped_column(BigInteger)


class _CountsAndTotals:
    # Whole milliseconds, so adding and removing chats stays exact.
    chats: Mapped[int] = mapped_column(Integer)
    total_ms: Mapped[int] = mapped_column(BigInteger)


class AgentDayFigure(_CountsAndTotals, Base):
    """Per agent, per UTC day of created, per measure (wait, first response): chats and their total, kept by
    triggers on chats (services.storage.floor_totals), for the performance table's averages over a time window."""

    __tablename__ = "agent_day_figures"
    __table_args__ = (
        Index("ix_agent_day_figures_day", "day", "measure", "user_id", "chats", "total_ms"),
        {"sqlite_with_rowid": False},
    )

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class AgentValueBucket(_CountsAndTotals, Base):
    """Per agent, per measure, per duration bucket (services.storage.value_buckets), over all time."""

    __tablename__ = "agent_value_buckets"
    __table_args__ = ({"sqlite_with_rowid": False},)

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The agent's chats of this measure in lower buckets: the bucket holding rank r is the one with
    # below <= r < below + chats.
    below: Mapped[int] = mapped_column(Integer)


class DayValueBucket(_CountsAndTotals, Base):
    """Everyone's chats per UTC day (of created; of handle_end for handling), per measure, per duration bucket."""

    __tablename__ = "day_value_buckets"
    __table_args__ = ({"sqlite_with_rowid": False},)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    measure: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)


class SlotCount(Base):
    """Everyone's chats created (measure 0) and handled (measure 3) per quarter of an hour of UTC, numbered from
    1970-01-01 00:00: local days and hours in any time zone are made of whole quarters."""

    __tablename__ = "slot_counts"
    __table_args__ = ({"sqlite_with_rowid": False},)

    measure: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    chats: Mapped[int] = mapped_column(Integer)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_chat_sent", "chat_id", "sent_at", "message_id"),)

    message_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.chat_id"))
    text: Mapped[str | None] = mapped_column(Text, nullable=False)
    # NULL means the customer wrote the message.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=False)


class Delivery(Base):
    """The transcript outbox: one row per ended chat, written in the same transaction as handle_end."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_status", "status", "delivery_id"),)

    delivery_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.chat_id"), unique=True)
    client: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[datetime] = mapped_column(DateTime)
    updated: Mapped[datetime] = mapped_column(DateTime)
    # Set while one process delivers, so another does not deliver the same transcript at the same time.
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Which desktop and process holds the claim (services.process_claims), so that this desktop takes over
    # at once the claims of its own processes that have ended. NULL: no claim, or one made by an older version.
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    path: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)


# Per agent, measure and UTC day: the agent's chats of the measure on or before that day, their total, and how many
# lie under each bucket bound (under_1 … under_604800), kept by triggers (services.storage.running_buckets).
agent_running_buckets = Table(
    "agent_running_buckets",
    Base.metadata,
    Column("user_id", Integer, primary_key=True),
    Column("measure", Integer, primary_key=True),
    Column("day", Date, primary_key=True),
    Column("chats", Integer, nullable=False),
    Column("total_ms", BigInteger, nullable=False),
    *(Column(f"under_{bound}", Integer, nullable=False) for bound in BOUNDS),
    sqlite_with_rowid=False,
)
