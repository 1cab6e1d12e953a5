"""Task 1: chats handled and handling time per agent, computed by the database in one aggregate query.

The median is the costly figure. PostgreSQL has an ordered-set aggregate for it (percentile_cont), four
times faster than ranking every chat. SQLite has none, so there each agent's chats are ranked by handling
time once and the middle ranks picked out by a join on the per-agent counts. Both give the same figures.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.sql.selectable import CTE

from services.errors import InvalidTimeWindow
from services.models import Chat, User
from services.results import AgentPerformance, TimeWindow
from services.unit_of_work import UnitOfWork

_DECIMALS = 3


def agent_performance(uow: UnitOfWork, window: TimeWindow | None = None) -> list[AgentPerformance]:
    """Every user, agents with no chats included; an agent who handled none has no average (None).

    The window filters handled chats by handle_end in [start, end); chats in progress are counted as
    they stand now, since they have no handle_end yet.
    """
    window = checked_window(window)
    with uow:
        dialect = uow.session.get_bind().dialect.name
        rows = uow.session.execute(performance_query(window, dialect)).all()
    return [
        AgentPerformance(
            user_id=row.user_id,
            name=row.name,
            chats_handled=row.chats_handled,
            chats_in_progress=row.chats_in_progress,
            average_handling_seconds=_rounded(row.average_seconds),
            median_handling_seconds=_rounded(row.median_seconds),
        )
        for row in rows
    ]


def checked_window(window: TimeWindow | None) -> TimeWindow:
    """The window to use (all time when None); refuses one that ends before it starts."""
    window = window or TimeWindow()
    if window.start and window.end and window.start >= window.end:
        raise InvalidTimeWindow("The start of the time window must come before its end.")
    return window


def performance_query(window: TimeWindow, dialect: str) -> Select[*tuple[Any, ...]]:
    stats = _stats_by_aggregate(window) if dialect == "postgresql" else _stats_by_rank(window)
    in_progress = (
        select(Chat.user_id, func.count().label("chats_in_progress"))
        .where(Chat.user_id.is_not(None), Chat.handle_start.is_not(None), Chat.handle_end.is_(None))
        .group_by(Chat.user_id)
        .cte("in_progress")
    )
    return (
        select(
            User.user_id,
            User.name,
            func.coalesce(stats.c.chats_handled, 0).label("chats_handled"),
            func.coalesce(in_progress.c.chats_in_progress, 0).label("chats_in_progress"),
            stats.c.average_seconds,
            stats.c.median_seconds,
        )
        .outerjoin(stats, stats.c.user_id == User.user_id)
        .outerjoin(in_progress, in_progress.c.user_id == User.user_id)
        .order_by(User.user_id)
    )


def _stats_by_aggregate(window: TimeWindow) -> CTE:
    seconds = Chat.handling_seconds
    return (
        select(
            Chat.user_id,
            func.count().label("chats_handled"),
            func.avg(seconds).label("average_seconds"),
            func.percentile_cont(0.5).within_group(seconds).label("median_seconds"),
        )
        .where(handled_in(window))
        .group_by(Chat.user_id)
        .cte("stats")
    )


def _stats_by_rank(window: TimeWindow) -> CTE:
    agent = agent_key(window)
    counts = (
        select(
            agent.label("user_id"),
            func.count().label("chats_handled"),
            func.avg(Chat.handling_seconds).label("average_seconds"),
        )
        .where(handled_in(window))
        .group_by(agent)
        .cte("counts")
    )
    ranked = ranked_handled_chats(window)
    total = counts.c.chats_handled
    middle = ranked.c.position.in_(((total + 1) // 2, (total + 2) // 2))
    return (
        select(counts.c.user_id, total, counts.c.average_seconds, func.avg(ranked.c.seconds).label("median_seconds"))
        .join(ranked, and_(ranked.c.user_id == counts.c.user_id, middle))
        .group_by(counts.c.user_id, total, counts.c.average_seconds)
        .cte("stats")
    )


def ranked_handled_chats(window: TimeWindow) -> CTE:
    """Each handled chat in the window with its rank (1, 2, …) by handling time among its agent's chats."""
    agent = agent_key(window)
    return (
        select(
            agent.label("user_id"),
            Chat.handling_seconds.label("seconds"),
            func.row_number().over(partition_by=agent, order_by=Chat.handling_seconds).label("position"),
        )
        .where(handled_in(window))
        .cte("ranked")
    )


def agent_key(window: TimeWindow) -> ColumnElement[int | None]:
    """The per-agent index is already in ranking order, so SQLite's planner walks it even for one month
    (reading handle_end from the table for a million rows). Grouping a time window by an expression
    makes it use the handle_end index instead: 140 ms rather than 2 s for a month of a 1M-chat database."""
    windowed = window.start is not None or window.end is not None
    return (Chat.user_id + 0) if windowed else Chat.user_id.expression


def handled_in(window: TimeWindow) -> ColumnElement[bool]:
    # handling_seconds is stored exactly when a chat has both handle_start and handle_end.
    conditions: list[ColumnElement[bool]] = [Chat.user_id.is_not(None), Chat.handling_seconds.is_not(None)]
    if window.start is not None:
        conditions.append(Chat.handle_end >= window.start)
    if window.end is not None:
        conditions.append(Chat.handle_end < window.end)
    return and_(*conditions)


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(float(seconds), _DECIMALS)
