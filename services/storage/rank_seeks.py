"""An agent's handling time at a given rank, read by seeking in an index instead of sorting chats.

The index on (user_id, handling_seconds, handle_end) holds each agent's handled chats in handling-time
order with their handle_end, so "the k-th shortest chat in this window" is an OFFSET inside one agent's
stretch of the index: no chat is read from the table and none is sorted. Ranks are counted from the
totals (services.storage.handled_chats), so the number of chats is known before seeking.

The rank arithmetic below works on Python ints and on SQL expressions alike, so PostgreSQL can seek from
the totals inside one statement while SQLite, which cannot take a LIMIT from an outer row, is given the
numbers as parameters of one small statement per agent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Row, ScalarSelect, Select, func, select
from sqlalchemy.orm import Session

from services.results import TimeWindow
from services.storage.handled_chats import handled_in
from services.storage.models import Chat


def seconds_at(agent: Any, window: TimeWindow, skip: Any, count: Any = 1) -> ScalarSelect[Any]:
    """The average handling time of the agent's chats at ranks skip+1 … skip+count (shortest first)."""
    chats = (
        select(Chat.handling_seconds.label("seconds"))
        .where(Chat.user_id == agent, handled_in(window))
        .order_by(Chat.handling_seconds)
        .limit(count)
        .offset(skip)
        .correlate_except(Chat)  # the agent and the counts may come from the enclosing query's row
        .subquery("ranked_chats")
    )
    return select(func.avg(chats.c.seconds)).scalar_subquery()


def longest_seconds(agent: Any, window: TimeWindow) -> ScalarSelect[Any]:
    """The longest handling time: the agent's stretch of the index read from its other end."""
    return (
        select(Chat.handling_seconds)
        .where(Chat.user_id == agent, handled_in(window))
        .order_by(Chat.handling_seconds.desc())
        .limit(1)
        .correlate_except(Chat)
        .scalar_subquery()
    )


def middle(count: Any) -> tuple[Any, Any]:
    """(skip, count) of the median: the middle chat, or the two middle ones when the count is even."""
    return (count - 1) // 2, 2 - count % 2


def nearest_rank(count: Any, numerator: int, denominator: int) -> Any:
    """skip of the percentile numerator/denominator by nearest rank: ceil(count * p) - 1, in integers."""
    return (count * numerator + denominator - 1) // denominator - 1


def seek_each_agent(
    session: Session, seek: Select[Any], handled: dict[int, int], ranks: Callable[[int], dict[str, int]]
) -> dict[int, Row[Any]]:
    """SQLite: run seek (parameters: agent, and those of ranks(count)) once per agent with handled chats.
    Begin the transaction (begin_now) before counting, so that the counts and the seeks see the same chats."""
    connection = session.connection()
    return {agent: connection.execute(seek, {"agent": agent, **ranks(n)}).one() for agent, n in handled.items() if n}
