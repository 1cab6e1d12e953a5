"""How long each agent's chats take: the whole distribution (quartiles, 90th percentile, extremes).

Averages hide the long chats managers need to see, so the chart draws these as a box plot. Percentiles
use the nearest-rank method (the value at rank ceil(p * n)), which every engine computes identically;
the median averages the two middle chats, as in the performance table. Each agent's running duration buckets
(services.storage.running_counts) name the bucket holding each figure's rank, and the figure is a seek inside that
bucket (services.storage.bucket_seeks), which steps over that bucket's chats only rather than over up to 90 % of the
agent's chats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from services.results import TimeWindow
from services.storage.bucket_seeks import BucketSeek, bucket_seek_averages
from services.storage.floor_seeks import lower_bound, middle
from services.storage.handled_chats import checked_window
from services.storage.models import User
from services.storage.running_counts import WindowCounts, window_counts
from services.storage.unit_of_work import UnitOfWork, begin_now
from services.storage.value_buckets import Measure

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
        if session.get_bind().dialect.name != "postgresql":
            begin_now(session.connection())  # the counts and the seeks after them see the same chats
        agents = session.execute(select(User.user_id, User.name).order_by(User.name, User.user_id)).all()
        counts = {agent: found for (agent, _), found in window_counts(session, window, [Measure.HANDLING]).items()}
        asked = [
            BucketSeek(agent, Measure.HANDLING, skip, take, lower)
            for agent, found in counts.items()
            for skip, take, lower in _seeks(found)
        ]
        averages = iter(bucket_seek_averages(session, window, asked))
        figures = {agent: [next(averages) for _ in FIGURES] for agent in counts}
    return [
        AgentDistribution(agent, name, counts[agent].chats if agent in counts else 0, *_rounded(figures.get(agent)))
        for agent, name in agents
    ]


def _seeks(counts: WindowCounts) -> list[tuple[int, int, float | None]]:
    """(rank inside its bucket, how many, the bucket's lower bound) of each figure, in FIGURES' order."""
    n = counts.chats
    ranks = [
        (0, 1),
        (nearest_rank(n, 1, 4), 1),
        middle(n),
        (nearest_rank(n, 3, 4), 1),
        (nearest_rank(n, 9, 10), 1),
        (n - 1, 1),
    ]
    seeks: list[tuple[int, int, float | None]] = []
    for rank, take in ranks:
        bucket, skip = counts.position(rank)
        seeks.append((skip, take, lower_bound(bucket)))
    return seeks


def nearest_rank(count: int, numerator: int, denominator: int) -> int:
    """The rank (0: the shortest) of the percentile numerator/denominator by nearest rank: ceil(count * p) - 1."""
    return (count * numerator + denominator - 1) // denominator - 1


def _rounded(values: list[Any] | None) -> list[float | None]:
    return [None if v is None else round(float(v), 3) for v in (values or [None] * len(FIGURES))]
