"""Per agent and measure (wait, first response, handling time): the chats of a time window that count, their
total and their median, at a cost that does not grow with every chat.

All time: each agent's duration buckets (agent_value_buckets) give the count, the total and the bucket holding
the middle chat; the median is then a seek inside that bucket in the index on (agent, duration, time).
A window: each agent's running buckets (services.storage.running_counts) give the same, from two rows per agent
and measure whatever the window's length, plus the part-days at its edges; the seek inside the bucket skips the
chats outside the window. PostgreSQL runs all the seeks in one statement; SQLite one small statement per agent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Integer, Select, and_, case, cast, func, select
from sqlalchemy.orm import Session

from services.results import TimeWindow
from services.storage.bucket_seeks import BucketSeek, bucket_seek_averages
from services.storage.floor_seeks import (
    lower_bound,
    lower_bound_sql,
    middle,
    seek,
)
from services.storage.models import AgentValueBucket
from services.storage.running_counts import window_counts
from services.storage.sqlite_seeks import SqliteSeeker
from services.storage.value_buckets import Measure


@dataclass(frozen=True)
class AgentMeasure:
    chats: int
    total_ms: int
    median_seconds: float | None

    @property
    def average_seconds(self) -> float | None:
        return round(self.total_ms / self.chats / 1000, 3) if self.chats else None


AgentMeasures = dict[tuple[int, Measure], AgentMeasure]


def agent_measures(session: Session, window: TimeWindow, measures: Sequence[Measure]) -> AgentMeasures:
    """Inside the caller's transaction, begun at once on SQLite (begin_now) so the counts and seeks agree.
    Agents with no chat for a measure are left out."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if window.start is not None or window.end is not None:
        return _running_window(session, window, measures)
    rows = session.execute(_all_time_query(measures, with_medians=postgres)).all()
    if postgres:
        return {(r.user_id, Measure(r.measure)): AgentMeasure(r.n, int(r.total_ms), _seconds(r.median)) for r in rows}
    seeker = SqliteSeeker(session)
    found: AgentMeasures = {}
    for r in rows:
        measure = Measure(r.measure)
        median = seeker.average(
            measure, window, skip=r.skip, count=r.take, agent=r.user_id, lower=lower_bound(r.bucket)
        )
        found[(r.user_id, measure)] = AgentMeasure(r.n, int(r.total_ms), _seconds(median))
    return found


def _running_window(session: Session, window: TimeWindow, measures: Sequence[Measure]) -> AgentMeasures:
    """Any window: each agent's counts from the running buckets name the bucket holding the middle chat, and a
    seek there steps over that bucket's chats only (services.storage.bucket_seeks)."""
    asked: list[BucketSeek] = []
    found: AgentMeasures = {}
    for (agent, measure), counts in window_counts(session, window, measures).items():
        rank, take = middle(counts.chats)
        bucket, skip = counts.position(rank)
        asked.append(BucketSeek(agent, measure, skip, take, lower_bound(bucket)))
        found[(agent, measure)] = AgentMeasure(counts.chats, counts.total_ms, None)
    medians = bucket_seek_averages(session, window, asked)
    return {
        (one.agent, one.measure): replace(found[(one.agent, one.measure)], median_seconds=_seconds(median))
        for one, median in zip(asked, medians, strict=True)
    }


def _all_time_query(measures: Sequence[Measure], *, with_medians: bool) -> Select[*tuple[Any, ...]]:
    """Per agent and measure: n, total_ms, and the bucket holding the middle chat with the rank inside it."""
    rows = AgentValueBucket
    totals = (
        select(
            rows.user_id,
            rows.measure,
            func.sum(rows.chats).label("n"),
            func.sum(rows.total_ms).label("total_ms"),
        )
        .where(rows.measure.in_([int(m) for m in measures]))
        .group_by(rows.user_id, rows.measure)
        .subquery("totals")
    )
    rank = (totals.c.n - 1) // 2
    found = select(
        totals.c.user_id,
        totals.c.measure,
        cast(totals.c.n, Integer).label("n"),
        totals.c.total_ms,
        rows.bucket,
        cast(rank - rows.below, Integer).label("skip"),
        cast(2 - totals.c.n % 2, Integer).label("take"),
    ).join(
        rows,
        and_(
            rows.user_id == totals.c.user_id,
            rows.measure == totals.c.measure,
            rows.below <= rank,
            rows.below + rows.chats > rank,
        ),
    )
    if not with_medians:
        return found
    middles = found.subquery("middles")
    medians = [
        (
            middles.c.measure == int(m),
            seek(
                m,
                TimeWindow(),
                skip=middles.c.skip,
                count=middles.c.take,
                agent=middles.c.user_id,
                lower=lower_bound_sql(middles.c.bucket),
            ),
        )
        for m in measures
    ]
    return select(middles.c.user_id, middles.c.measure, middles.c.n, middles.c.total_ms, case(*medians).label("median"))


def _seconds(value: Any) -> float | None:
    return None if value is None else round(float(value), 3)
