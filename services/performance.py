"""Task 1: chats handled and handling time per agent, computed by the database in one aggregate query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select

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
        rows = uow.session.execute(performance_query(window)).all()
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


def performance_query(window: TimeWindow) -> Select[*tuple[Any, ...]]:
    handled = handled_chats(window).cte("handled")

    middle_positions = ((handled.c.total + 1) // 2, (handled.c.total + 2) // 2)
    stats = (
        select(
            handled.c.user_id,
            func.count().label("chats_handled"),
            func.avg(handled.c.seconds).label("average_seconds"),
            func.avg(case((handled.c.position.in_(middle_positions), handled.c.seconds))).label("median_seconds"),
        )
        .group_by(handled.c.user_id)
        .cte("stats")
    )
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


def handled_chats(window: TimeWindow) -> Select[*tuple[Any, ...]]:
    """Each handled chat in the window with its rank by handling time among its agent's, and their count."""
    seconds = Chat.handling_seconds
    agent = _agent_key(window)
    return select(
        agent.label("user_id"),
        seconds.label("seconds"),
        func.row_number().over(partition_by=agent, order_by=seconds).label("position"),
        func.count().over(partition_by=agent).label("total"),
    ).where(_handled_in(window))


def _agent_key(window: TimeWindow) -> ColumnElement[int | None]:
    """The per-agent index is already in window order, so SQLite's planner walks it even for one month
    (reading handle_end from the table for a million rows). Partitioning a time window by an expression
    makes it use the handle_end index instead: 140 ms rather than 2 s for a month of a 1M-chat database."""
    windowed = window.start is not None or window.end is not None
    return (Chat.user_id + 0) if windowed else Chat.user_id.expression


def _handled_in(window: TimeWindow) -> ColumnElement[bool]:
    # handling_seconds is stored exactly when a chat has both handle_start and handle_end.
    conditions: list[ColumnElement[bool]] = [Chat.user_id.is_not(None), Chat.handling_seconds.is_not(None)]
    if window.start is not None:
        conditions.append(Chat.handle_end >= window.start)
    if window.end is not None:
        conditions.append(Chat.handle_end < window.end)
    return and_(*conditions)


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(float(seconds), _DECIMALS)
