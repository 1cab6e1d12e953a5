"""Task 1: chats handled and handling time per agent, at a cost that does not grow with every chat.

Counts and averages come from the per-agent day totals (services.day_totals). The median cannot, so each
agent's median is read by seeking to the middle of that agent's entries in the index on (user_id,
handling_seconds, handle_end): half an agent's entries are stepped over inside the index, no chat is
sorted. PostgreSQL does the seeks in the same statement (LATERAL); SQLite cannot take a LIMIT from an
outer row, so there they are one small statement per agent, in the same read transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Select, Subquery, bindparam, cast, func, select, text, true
from sqlalchemy.orm import Session

from services.handled_chats import checked_window, handled_in, handled_totals
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
        session = uow.session
        if session.get_bind().dialect.name == "postgresql":
            rows = session.execute(performance_query(window, with_median=True)).all()
            medians = {row.user_id: row.median_seconds for row in rows}
        else:
            _read_from_one_snapshot(session)
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
        middle = _middle_of(totals, window)
        query = query.outerjoin(middle, true()).add_columns(middle.c.median_seconds)
    return query


def _middle_of(totals: Subquery, window: TimeWindow) -> Any:
    """LATERAL: the average of the one or two middle handling times of the agent of each totals row."""
    count = cast(totals.c.chats_handled, Integer)
    middle_chats = (
        select(Chat.handling_seconds.label("seconds"))
        .where(Chat.user_id == totals.c.user_id, handled_in(window))
        .order_by(Chat.handling_seconds)
        .limit(2 - count % 2)
        .offset((count - 1) // 2)
        .correlate(totals)
        .subquery("middle_chats")
    )
    return select(func.avg(middle_chats.c.seconds).label("median_seconds")).lateral("middle")


def _seek_medians(session: Session, window: TimeWindow, handled: dict[int, int]) -> dict[int, float | None]:
    middle_chats = (
        select(Chat.handling_seconds.label("seconds"))
        .where(Chat.user_id == bindparam("agent"), handled_in(window))
        .order_by(Chat.handling_seconds)
        .limit(bindparam("count"))
        .offset(bindparam("skip"))
        .subquery()
    )
    seek = select(func.avg(middle_chats.c.seconds))
    connection = session.connection()
    return {
        agent: connection.execute(seek, {"agent": agent, "count": 2 - n % 2, "skip": (n - 1) // 2}).scalar()
        for agent, n in handled.items()
        if n
    }


def _read_from_one_snapshot(session: Session) -> None:
    """SQLite's driver starts a transaction only before a write; begin it now so that the totals and the
    seeks after them see the same chats even while another desktop ends one."""
    connection = session.connection()
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.execute(text("BEGIN"))


def _average(handling_ms: Any, handled: int) -> float | None:
    return round(int(handling_ms) / handled / 1000, _DECIMALS) if handled else None


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(float(seconds), _DECIMALS)
