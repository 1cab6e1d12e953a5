"""How long each agent's chats take: the whole distribution (quartiles, 90th percentile, extremes).

Averages hide the long chats managers need to see, so the chart draws these as a box plot. Percentiles
use the nearest-rank method (the value at rank ceil(p * n)), which every engine computes identically;
the median averages the two middle chats, as in the performance table. Each figure is an index seek
(services.storage.rank_seeks) from the agent's count in the day totals: in one statement on PostgreSQL, in one
statement per agent on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ScalarSelect, bindparam, func, select
from sqlalchemy.orm import Session

from services.results import TimeWindow
from services.storage.handled_chats import checked_window, handled_totals
from services.storage.models import User
from services.storage.rank_seeks import longest_seconds, middle, nearest_rank, seconds_at, seek_each_agent
from services.storage.unit_of_work import UnitOfWork, begin_now

FIGURES = ("minimum", "lower_quartile", "median", "upper_quartile", "p90", "maximum")


@dataclass(frozen=True)
class AgentDistribution:
    user_id: int
    name: str | None
    chats_handled: int
    minimum_seconds: float | None
    lower_quartile_seconds: float | None
    median_seconds: float | None
    upper_quartile_seconds: float | None
    p90_seconds: float | None
    maximum_seconds: float | None


def handling_time_distribution(uow: UnitOfWork, window: TimeWindow | None = None) -> list[AgentDistribution]:
    """Every agent, in name order; an agent with no handled chat has None for every figure."""
    window = checked_window(window)
    with uow:
        session = uow.session
        on_postgres = session.get_bind().dialect.name == "postgresql"
        if not on_postgres:
            begin_now(session.connection())  # the counts and the seeks after them see the same chats
        agents = session.execute(_agents_query(window, with_figures=on_postgres)).all()
        figures = (
            {row.user_id: tuple(row)[3:] for row in agents}
            if on_postgres
            else _seek_figures(session, window, {row.user_id: row.chats_handled for row in agents})
        )
    return [
        AgentDistribution(row.user_id, row.name, row.chats_handled, *_rounded(figures.get(row.user_id)))
        for row in agents
    ]


def _agents_query(window: TimeWindow, *, with_figures: bool) -> Any:
    totals = handled_totals(window)
    query = (
        select(User.user_id, User.name, func.coalesce(totals.c.chats_handled, 0).label("chats_handled"))
        .outerjoin(totals, totals.c.user_id == User.user_id)
        .order_by(User.name, User.user_id)
    )
    if with_figures:
        query = query.add_columns(*_figures_at(totals.c.user_id, window, _ranks(totals.c.chats_handled)))
    return query


def _ranks(count: Any) -> dict[str, tuple[Any, Any]]:
    """(skip, how many) per ranked figure; count is a number (SQLite) or the totals' column (PostgreSQL)."""
    return {
        "minimum": (0, 1),
        "lower_quartile": (nearest_rank(count, 1, 4), 1),
        "median": middle(count),
        "upper_quartile": (nearest_rank(count, 3, 4), 1),
        "p90": (nearest_rank(count, 9, 10), 1),
    }


def _figures_at(agent: Any, window: TimeWindow, ranks: dict[str, tuple[Any, Any]]) -> list[ScalarSelect[Any]]:
    ranked = [seconds_at(agent, window, *ranks[name]) for name in FIGURES if name != "maximum"]
    return [*ranked, longest_seconds(agent, window)]


def _seek_figures(session: Session, window: TimeWindow, handled: dict[int, int]) -> dict[int, tuple[Any, ...]]:
    """SQLite: one statement per agent with chats, its ranks given as parameters."""
    names = [name for name in FIGURES if name != "maximum"]
    parameters: dict[str, tuple[Any, Any]] = {n: (bindparam(f"{n}_skip"), bindparam(f"{n}_count")) for n in names}
    seek = select(*_figures_at(bindparam("agent"), window, parameters))

    def ranks(count: int) -> dict[str, int]:
        return {
            f"{name}_{part}": value
            for name, pair in _ranks(count).items()
            for part, value in zip(("skip", "count"), pair, strict=True)
        }

    return {agent: tuple(row) for agent, row in seek_each_agent(session, seek, handled, ranks).items()}


def _rounded(values: tuple[Any, ...] | None) -> list[float | None]:
    return [None if v is None else round(float(v), 3) for v in (values or (None,) * len(FIGURES))]
