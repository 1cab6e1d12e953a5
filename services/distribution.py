"""How long each agent's chats take: the whole distribution (quartiles, 90th percentile, extremes).

Averages hide the long chats managers need to see, so the chart draws these as a box plot. Percentiles
use the nearest-rank method (the value at rank ceil(p * n)), which every engine computes identically;
the median averages the two middle chats, as in the performance table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, select

from services.models import User
from services.performance import checked_window, handled_chats
from services.results import TimeWindow
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class AgentDistribution:
    user_id: int
    name: str
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
        rows = uow.session.execute(distribution_query(window)).all()
    return [
        AgentDistribution(
            row.user_id,
            row.name,
            row.chats_handled,
            *(None if row[i] is None else round(float(row[i]), 3) for i in range(3, 9)),
        )
        for row in rows
    ]


def distribution_query(window: TimeWindow) -> Select[*tuple[Any, ...]]:
    handled = handled_chats(window).cte("handled")
    seconds, position, total = handled.c.seconds, handled.c.position, handled.c.total

    def at_rank(fraction_num: int, fraction_den: int) -> Any:
        # ceil(n * num / den) in integer arithmetic, the same on every engine.
        rank = (total * fraction_num + fraction_den - 1) // fraction_den
        return func.max(case((position == rank, seconds)))

    stats = (
        select(
            handled.c.user_id,
            func.count().label("chats_handled"),
            func.min(seconds).label("minimum"),
            at_rank(1, 4).label("lower_quartile"),
            func.avg(case((position.in_(((total + 1) // 2, (total + 2) // 2)), seconds))).label("median"),
            at_rank(3, 4).label("upper_quartile"),
            at_rank(9, 10).label("p90"),
            func.max(seconds).label("maximum"),
        )
        .group_by(handled.c.user_id)
        .cte("stats")
    )
    return (
        select(
            User.user_id,
            User.name,
            func.coalesce(stats.c.chats_handled, 0).label("chats_handled"),
            stats.c.minimum,
            stats.c.lower_quartile,
            stats.c.median,
            stats.c.upper_quartile,
            stats.c.p90,
            stats.c.maximum,
        )
        .outerjoin(stats, stats.c.user_id == User.user_id)
        .order_by(User.name, User.user_id)
    )
