"""Task 1 and the live floor's per-agent figures: chats handled, handling time, wait and first response per
agent, at a cost that does not grow with every chat (services.agent_figures)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from services.agent_figures import AgentMeasure, agent_measures
from services.results import AgentPerformance, TimeWindow
from services.storage.handled_chats import checked_window
from services.storage.models import Chat, User
from services.storage.unit_of_work import UnitOfWork, begin_now
from services.storage.value_buckets import Measure

_MEASURES = (Measure.HANDLING, Measure.WAIT, Measure.FIRST_RESPONSE)
_NONE = AgentMeasure(0, 0, None)


def agent_performance(uow: UnitOfWork, window: TimeWindow | None = None) -> list[AgentPerformance]:
    """Every user, agents with no chats included, by id.

    Handled chats and handling time count the chats whose handle_end is in [start, end); wait and first response
    the chats created in it; chats in progress are counted as they stand now, since they have no handle_end yet.
    """
    window = checked_window(window)
    with uow:
        session = uow.session
        begin_now(session.connection())  # the counts and the seeks after them see the same chats
        users = session.execute(select(User.user_id, User.name).order_by(User.user_id)).all()
        in_progress = dict(
            session.execute(
                select(Chat.user_id, func.count())
                .where(Chat.user_id.is_not(None), Chat.handle_start.is_not(None), Chat.handle_end.is_(None))
                .group_by(Chat.user_id)
            ).all()
        )
        figures = agent_measures(session, window, _MEASURES)
    rows = []
    for user_id, name in users:
        handling, wait, response = (figures.get((user_id, m), _NONE) for m in _MEASURES)
        rows.append(
            AgentPerformance(
                user_id=user_id,
                name=name,
                chats_handled=handling.chats,
                chats_in_progress=in_progress.get(user_id, 0),
                average_handling_seconds=handling.average_seconds,
                median_handling_seconds=handling.median_seconds,
                average_wait_seconds=wait.average_seconds,
                median_wait_seconds=wait.median_seconds,
                average_first_response_seconds=response.average_seconds,
                median_first_response_seconds=response.median_seconds,
            )
        )
    return rows


def sorted_performance(rows: Sequence[AgentPerformance], field: str, *, descending: bool) -> list[AgentPerformance]:
    """The rows by one of their fields, names without regard to case; ties by user_id in the same direction;
    rows without the value (no name, no chat to measure) last in either direction."""
    present = [row for row in rows if getattr(row, field) is not None]
    missing = [row for row in rows if getattr(row, field) is None]

    def key(row: AgentPerformance) -> tuple[Any, int]:
        value = getattr(row, field)
        return (value.casefold() if isinstance(value, str) else value), row.user_id

    return [
        *sorted(present, key=key, reverse=descending),
        *sorted(missing, key=lambda r: r.user_id, reverse=descending),
    ]
