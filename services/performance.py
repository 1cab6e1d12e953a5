"""Task 1: chats handled and handling time per agent, at a cost that does not grow with every chat.

Counts and averages come from the per-agent day totals (services.day_totals). The median cannot, so each
agent's median is read by seeking to the middle of that agent's entries in the index on (user_id,
handling_seconds, handle_end): half an agent's entries are stepped over inside the index, no chat is
sorted. PostgreSQL does the seeks in the same statement (correlated subqueries); SQLite cannot take a
LIMIT from an outer row, so there they are one small statement per agent, in the same read transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from services.handled_chats import checked_window, handled_totals
from services.models import Chat, User
from services.rank_seeks import middle, seconds_at, seek_each_agent
from services.results import AgentPerformance, TimeWindow
from services.unit_of_work import UnitOfWork, begin_now

_DECIMALS = 3


def agent_performance(uow: UnitOfWork, window: TimeWindow | None = None) -> list[AgentPerformance]:
    """Every user, agents with no chats included; an agent who handled none has no average (None).

    The window filters handled chats by handle_end in [start, end); chats in progress are counted as
    they stand now, since they have no handle_end yet.
    """
    window = checked_window(window)
    with uow:
        session = uow.session
        if session.get_bind().dialect.name == "postgresql":
            rows = session.execute(performance_query(window, with_median=True)).all()
            medians = {row.user_id: row.median for row in rows}
        else:
            begin_now(session.connection())  # the counts and the seeks after them see the same chats
            rows = session.execute(performance_query(window, with_median=False)).all()
            medians = _seek_medians(session, window, {row.user_id: row.chats_handled for row in rows})
    return [
        AgentPerformance(
            user_id=row.user_id,
            name=row.name,
            chats_handled=row.chats_handled,
            chats_in_progress=row.chats_in_progress,
            average_handling_seconds=_average(row.handling_ms, row.chats_handled),
            median_handling_seconds=_rounded(medians.get(row.user_id)),
        )
        for row in rows
    ]


def performance_query(window: TimeWindow, *, with_median: bool) -> Select[*tuple[Any, ...]]:
    totals = handled_totals(window)
    in_progress = (
        select(Chat.user_id, func.count().label("chats_in_progress"))
        .where(Chat.user_id.is_not(None), Chat.handle_start.is_not(None), Chat.handle_end.is_(None))
        .group_by(Chat.user_id)
        .subquery("in_progress")
    )
    query = (
        select(
            User.user_id,
            User.name,
            func.coalesce(totals.c.chats_handled, 0).label("chats_handled"),
            func.coalesce(in_progress.c.chats_in_progress, 0).label("chats_in_progress"),
            totals.c.handling_ms,
        )
        .outerjoin(totals, totals.c.user_id == User.user_id)
        .outerjoin(in_progress, in_progress.c.user_id == User.user_id)
        .order_by(User.user_id)
    )
    if with_median:
        query = query.add_columns(seconds_at(totals.c.user_id, window, *middle(totals.c.chats_handled)).label("median"))
    return query


def _seek_medians(session: Session, window: TimeWindow, handled: dict[int, int]) -> dict[int, Any]:
    seek = select(seconds_at(bindparam("agent"), window, bindparam("skip"), bindparam("count")))
    rows = seek_each_agent(session, seek, handled, lambda n: dict(zip(("skip", "count"), middle(n), strict=True)))
    return {agent: row[0] for agent, row in rows.items()}


def _average(handling_ms: Any, handled: int) -> float | None:
    return round(int(handling_ms) / handled / 1000, _DECIMALS) if handled else None


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(float(seconds), _DECIMALS)
