"""The queue: chats still waiting for an agent (no handle_start, no handle_end), longest first, and the chats
that should stand out on the floor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, func, literal, literal_column, select
from sqlalchemy.orm import Session

from services.floor_slots import place_in_periods
from services.results import ChatStatus, ChatSummary, TimeWindow
from services.storage.floor_totals import slot_sql
from services.storage.models import Chat
from services.storage.sql_time import WindowBound


class ChatAlert(StrEnum):
    WAITING_PAST_TARGET = "waiting-past-target"
    LONG_IN_PROGRESS = "long-in-progress"


@dataclass(frozen=True)
class WaitingNow:
    chats: int
    longest_waiting_since: datetime | None  # the created of the chat waiting longest


def waited_seconds(created: datetime | None, now: datetime) -> float | None:
    """How long a chat created then has waited by now (naive UTC); None without a created time."""
    return None if created is None else round((now - created).total_seconds(), 3)


def chat_alert(chat: ChatSummary, now: datetime, target_seconds: float, long_chat_minutes: float) -> ChatAlert | None:
    """Why the chat stands out: waiting longer than the service-level target, or in progress for longer than
    long_chat_minutes; None otherwise."""
    if chat.status is ChatStatus.WAITING and chat.handle_end is None:
        waited = waited_seconds(chat.created, now)
        return ChatAlert.WAITING_PAST_TARGET if waited is not None and waited > target_seconds else None
    if chat.status is ChatStatus.IN_PROGRESS and chat.handle_start is not None:
        running = now - chat.handle_start
        return ChatAlert.LONG_IN_PROGRESS if running > timedelta(minutes=long_chat_minutes) else None
    return None


def waiting_now(session: Session) -> WaitingNow:
    """Inside the caller's unit of work: the chats waiting now, from the index of waiting chats."""
    count, oldest = session.execute(
        select(func.count(), func.min(Chat.created)).where(Chat.handle_start.is_(None), Chat.handle_end.is_(None))
    ).one()
    return WaitingNow(int(count), oldest)


def waiting_longer_than(session: Session, window: TimeWindow, seconds: float, now: datetime) -> int:
    """Of the chats created in the window, those still waiting after more than seconds (created before
    now - seconds): decided against the service level."""
    conditions = _waiting_in(window, now - timedelta(seconds=seconds))
    return int(session.execute(select(func.count()).where(*conditions)).scalar_one())


def waiting_in_periods(session: Session, boundaries: Sequence[datetime], before: datetime) -> list[int]:
    """Per period [boundaries[i], boundaries[i + 1]): the chats created in it still waiting, created before
    before; counted per quarter of an hour by the database."""
    window = TimeWindow(boundaries[0], boundaries[-1])
    slot: ColumnElement[int] = literal_column(slot_sql(session.get_bind().dialect.name, "chats.created"))
    rows = session.connection().execute(
        select(slot, func.count()).where(*_waiting_in(window, before)).group_by(literal_column("1"))
    )

    def times_in(part: TimeWindow) -> list[datetime]:
        inside = TimeWindow(max(part.start, window.start), min(part.end, window.end))  # type: ignore[type-var]
        created = session.execute(select(Chat.created).where(*_waiting_in(inside, before))).scalars()
        return [moment for moment in created if moment is not None]  # the window leaves none out; for the type

    return place_in_periods(rows, boundaries, times_in)


def _waiting_in(window: TimeWindow, before: datetime) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Chat.handle_start.is_(None), Chat.handle_end.is_(None)]
    end = before if window.end is None else min(window.end, before)
    conditions.append(Chat.created < literal(end, WindowBound()))
    if window.start is not None:
        conditions.append(Chat.created >= literal(window.start, WindowBound()))
    return conditions
