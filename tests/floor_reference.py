"""The live floor's figures worked out the slow, obvious way from every chat and message, to check the services.

The definitions are the issue's, written again here independently of the services: wait is handle_start -
created; first response the first agent message minus the first customer message before it (or handle_start
when the agent wrote first); service level counts the chats created in the period, picked up within the target,
over those picked up plus those still waiting past it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import pairwise
from typing import Any

from sqlalchemy import select

from services.results import TimeWindow
from services.storage.database import Database
from services.storage.models import Chat, Message


@dataclass
class ReferenceChat:
    chat_id: int
    created: datetime | None
    user_id: int | None
    handle_start: datetime | None
    handle_end: datetime | None
    messages: list[tuple[datetime, int, int | None]] = field(default_factory=list)  # (sent_at, message_id, user)

    @property
    def wait(self) -> float | None:
        if self.created is None or self.handle_start is None:
            return None
        return (self.handle_start - self.created).total_seconds()

    @property
    def handling(self) -> float | None:
        if self.handle_start is None or self.handle_end is None:
            return None
        return (self.handle_end - self.handle_start).total_seconds()

    @property
    def first_response(self) -> float | None:
        ordered = sorted(self.messages)
        agent = next((m for m in ordered if m[2] is not None), None)
        if agent is None:
            return None
        customer = next((m for m in ordered if m[2] is None and m[:2] < agent[:2]), None)
        asked = customer[0] if customer is not None else self.handle_start
        return None if asked is None else (agent[0] - asked).total_seconds()

    @property
    def waiting(self) -> bool:
        return self.handle_start is None and self.handle_end is None


def load_chats(database: Database) -> list[ReferenceChat]:
    with database.engine.connect() as connection:
        chats = {
            row.chat_id: ReferenceChat(row.chat_id, row.created, row.user_id, row.handle_start, row.handle_end)
            for row in connection.execute(
                select(Chat.chat_id, Chat.created, Chat.user_id, Chat.handle_start, Chat.handle_end)
            )
        }
        for message in connection.execute(
            select(Message.chat_id, Message.sent_at, Message.message_id, Message.user_id)
        ):
            if message.chat_id in chats and message.sent_at is not None:
                chats[message.chat_id].messages.append((message.sent_at, message.message_id, message.user_id))
    return list(chats.values())


def inside(moment: datetime | None, window: TimeWindow) -> bool:
    if moment is None:
        return False
    return (window.start is None or moment >= window.start) and (window.end is None or moment < window.end)


def average(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def summary(chats: list[ReferenceChat], window: TimeWindow, target: float, now: datetime) -> dict[str, Any]:
    created = [c for c in chats if inside(c.created, window)]
    handled = [c.handling for c in chats if c.handling is not None and inside(c.handle_end, window)]
    waits = [c.wait for c in created if c.wait is not None]
    responses = [c.first_response for c in created if c.first_response is not None]
    within = len([w for w in waits if w <= target])
    late = len([c for c in created if c.waiting and (now - c.created).total_seconds() > target])  # type: ignore[operator]
    waiting = [c for c in chats if c.waiting]
    oldest = min((c.created for c in waiting if c.created is not None), default=None)
    return {
        "chats_created": len(created),
        "chats_handled": len(handled),
        "chats_in_progress": len([c for c in chats if c.handle_start is not None and c.handle_end is None]),
        "chats_waiting": len(waiting),
        "longest_waiting_since": oldest,
        "service_level_percent": round(100 * within / (len(waits) + late), 1) if waits or late else None,
        "average_wait_seconds": average(waits),
        "median_wait_seconds": median(waits),
        "average_first_response_seconds": average(responses),
        "median_first_response_seconds": median(responses),
        "average_handling_seconds": average(handled),
        "median_handling_seconds": median(handled),
    }


def agent_figures(chats: list[ReferenceChat], agent: int, window: TimeWindow) -> dict[str, Any]:
    own = [c for c in chats if c.user_id == agent]
    created = [c for c in own if inside(c.created, window)]
    waits = [c.wait for c in created if c.wait is not None]
    responses = [c.first_response for c in created if c.first_response is not None]
    handled = [c.handling for c in own if c.handling is not None and inside(c.handle_end, window)]
    return {
        "chats_handled": len(handled),
        "average_handling_seconds": average(handled),
        "median_handling_seconds": median(handled),
        "average_wait_seconds": average(waits),
        "median_wait_seconds": median(waits),
        "average_first_response_seconds": average(responses),
        "median_first_response_seconds": median(responses),
    }


def trend(
    chats: list[ReferenceChat], periods: list[TimeWindow], target: float, now: datetime
) -> list[tuple[int, int, float | None, float | None]]:
    """Per period: created, handled, service level, median handling time."""
    points = []
    for period in periods:
        figures = summary(chats, period, target, now)
        points.append(
            (
                figures["chats_created"],
                figures["chats_handled"],
                figures["service_level_percent"],
                figures["median_handling_seconds"],
            )
        )
    return points


def heatmap(chats: list[ReferenceChat], window: TimeWindow, zone: tzinfo) -> dict[tuple[int, int], int]:
    cells: dict[tuple[int, int], int] = {}
    for chat in chats:
        if inside(chat.created, window):
            local = chat.created.replace(tzinfo=UTC).astimezone(zone)  # type: ignore[union-attr]
            cells[(local.weekday(), local.hour)] = cells.get((local.weekday(), local.hour), 0) + 1
    return cells


def local_day_periods(first: datetime, days: int, zone: tzinfo) -> list[TimeWindow]:
    """Consecutive local days from the local midnight of first's day, as windows of naive UTC."""
    day = first.replace(tzinfo=UTC).astimezone(zone).date()
    midnights = [
        datetime(d.year, d.month, d.day, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
        for d in (day + timedelta(days=n) for n in range(days + 1))
    ]
    return [TimeWindow(a, b) for a, b in pairwise(midnights)]
