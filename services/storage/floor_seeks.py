"""Reading one measure (wait, first response, handling time) of the chats in a time window: which chats count,
their bucket counts (services.storage.value_buckets) for whole days from the totals plus the part-days at the edges from
the chats, and the seek to a given rank.

Two ways to reach the chat at a rank, chosen by the caller from how much of the data the window holds:
- seek: step through the chats in order of the duration (an index on it), from a bucket's lower bound, skipping
  the chats outside the window; cheap when the window holds most chats, or when the bucket is known;
- sort: read only the window's chats (an index on the time) and sort their durations; cheap for a few days.
SQLite is told which by hiding the other index's column from its planner (unindexed); PostgreSQL's planner
weighs both itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    ScalarSelect,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from services.results import TimeWindow
from services.storage.floor_totals import SLOT_SECONDS
from services.storage.handled_chats import split_window
from services.storage.models import Chat, DayValueBucket, SlotCount
from services.storage.sql_time import WindowBound
from services.storage.value_buckets import BOUNDS, Measure, bucket_sql, lower_bound


class unindexed(GenericFunction[Any]):  # noqa: N801 - reads as a SQL function
    """The expression, which SQLite's planner then does not look up in an index (a unary plus)."""

    inherit_cache = True
    name = "unindexed"

    def __init__(self, expression: Any) -> None:
        super().__init__(expression)
        self.type = expression.type


@compiles(unindexed, "sqlite")
def _sqlite_unindexed(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


@compiles(unindexed, "postgresql")
def _postgresql_unindexed(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@dataclass(frozen=True)
class MeasureColumns:
    value: InstrumentedAttribute[float | None]
    time: InstrumentedAttribute[Any]  # the time that places the chat in a window: created, or handle_end
    # The indexes SQLite is told to use: (agent, duration, time), (agent, time, … duration), (duration, time),
    # (time, … duration).
    agent_by_value: str
    agent_by_time: str
    by_value: str
    by_time: str


COLUMNS = {
    Measure.WAIT: MeasureColumns(
        Chat.wait_seconds,
        Chat.created,
        "ix_chats_agent_wait",
        "ix_chats_agent_created_figures",
        "ix_chats_wait",
        "ix_chats_created_figures",
    ),
    Measure.FIRST_RESPONSE: MeasureColumns(
        Chat.first_response_seconds,
        Chat.created,
        "ix_chats_agent_first_response",
        "ix_chats_agent_created_figures",
        "ix_chats_first_response",
        "ix_chats_created_figures",
    ),
    Measure.HANDLING: MeasureColumns(
        Chat.handling_seconds,
        Chat.handle_end,
        "ix_chats_agent_handling_end",
        "ix_chats_agent_ended",
        "ix_chats_handling",
        "ix_chats_ended",
    ),
}
MILLISECONDS = {measure: cast(func.round(columns.value * 1000), BigInteger) for measure, columns in COLUMNS.items()}


def counted(measure: Measure, window: TimeWindow, *, by_time: bool = True) -> list[ColumnElement[bool]]:
    """The chats of the window that count for the measure. by_time=False keeps SQLite from reading the window
    through an index on the time (so that it steps through the durations' index instead)."""
    columns = COLUMNS[measure]
    placed = columns.time if by_time else unindexed(columns.time)
    conditions: list[ColumnElement[bool]] = [columns.value.is_not(None), columns.time.is_not(None)]
    if window.start is not None:
        conditions.append(placed >= literal(window.start, WindowBound()))
    if window.end is not None:
        conditions.append(placed < literal(window.end, WindowBound()))
    return conditions


def seek(
    measure: Measure,
    window: TimeWindow,
    *,
    skip: Any,
    count: Any,
    agent: Any = None,
    lower: Any = None,
    sort: bool = False,
) -> ScalarSelect[Any]:
    """The average duration of the chats at ranks skip+1 … skip+count (shortest first), counting from lower (a
    bucket's lower bound; None: from the shortest). agent: one agent's chats (a value or a column of an enclosing
    query); sort: read the window's chats and sort them instead of stepping through the durations' index."""
    value = COLUMNS[measure].value
    conditions = counted(measure, window, by_time=sort)
    if agent is not None:
        conditions.append(Chat.user_id == agent)
    if lower is not None:
        conditions.append(value >= lower)
    chats = (
        select(value.label("seconds"))
        .where(and_(*conditions))
        .order_by(unindexed(value) if sort else value)
        .limit(count)
        .offset(skip)
        .correlate_except(Chat)
        .subquery("ranked")
    )
    return select(func.avg(chats.c.seconds)).scalar_subquery()


def lower_bound_sql(bucket: Any) -> ColumnElement[Any]:
    """lower_bound(bucket) for a bucket given as an SQL expression (PostgreSQL's one-statement seeks); below
    every duration for bucket 0, so that the seek still starts from an index range."""
    whens: dict[int, ColumnElement[Any]] = {k + 1: literal_column(str(bound)) for k, bound in enumerate(BOUNDS)}
    return case(whens, value=bucket, else_=literal_column("-1e300"))


@dataclass(frozen=True)
class BucketCounts:
    """A measure's chats in a window per bucket: {bucket: (chats, total milliseconds)}."""

    buckets: dict[int, tuple[int, int]]

    @property
    def chats(self) -> int:
        return sum(chats for chats, _ in self.buckets.values())

    @property
    def total_ms(self) -> int:
        return sum(total for _, total in self.buckets.values())

    def up_to(self, last_bucket: int) -> int:
        """The chats of buckets 0 … last_bucket - 1."""
        return sum(chats for bucket, (chats, _) in self.buckets.items() if bucket < last_bucket)

    def position(self, rank: int) -> tuple[int, int]:
        """(bucket, rank inside it) of the chat at rank (0: the shortest)."""
        passed = 0
        for bucket in sorted(self.buckets):
            chats = self.buckets[bucket][0]
            if rank < passed + chats:
                return bucket, rank - passed
            passed += chats
        raise ValueError(f"rank {rank} is past the last of {passed} chats")


def bucket_counts(session: Session, measure: Measure, window: TimeWindow) -> BucketCounts:
    """Everyone's chats of the window by bucket: whole UTC days from day_value_buckets, part-days from chats."""
    parts = split_window(window)
    found: dict[int, tuple[int, int]] = {}
    queries: list[Select[*tuple[Any, ...]]] = [_edge_buckets(measure, edge) for edge in parts.edges]
    if not parts.no_days:
        queries.append(_day_buckets(measure, parts.first_day, parts.end_day))
    for query in queries:
        for bucket, chats, total in session.execute(query):
            before = found.get(bucket, (0, 0))
            found[bucket] = (before[0] + chats, before[1] + int(total))
    return BucketCounts(found)


def _day_buckets(measure: Measure, first_day: date | None, end_day: date | None) -> Select[*tuple[Any, ...]]:
    rows = DayValueBucket
    query: Select[*tuple[Any, ...]] = select(rows.bucket, func.sum(rows.chats), func.sum(rows.total_ms)).where(
        rows.measure == int(measure)
    )
    if first_day is not None:
        query = query.where(rows.day >= first_day)
    if end_day is not None:
        query = query.where(rows.day < end_day)
    return query.group_by(rows.bucket)


def _edge_buckets(measure: Measure, edge: TimeWindow) -> Select[*tuple[Any, ...]]:
    bucket: ColumnElement[int] = literal_column(bucket_sql(COLUMNS[measure].value.key))
    return (
        select(bucket.label("bucket"), func.count(), func.sum(MILLISECONDS[measure]))
        .where(*counted(measure, edge))
        .group_by(literal_column("1"))
    )


def middle(count: int) -> tuple[int, int]:
    """(rank, how many) of the median: the middle chat, or the two middle ones when the count is even."""
    return (count - 1) // 2, 2 - count % 2


def window_share(session: Session, window: TimeWindow) -> float:
    """About how much of the data the window holds: the part of the time from the first chat created to the
    last that it covers (1 for all time)."""
    if window.start is None and window.end is None:
        return 1.0
    slots = SlotCount.slot
    first, last = session.execute(
        select(func.min(slots), func.max(slots)).where(SlotCount.measure == int(Measure.CREATED))
    ).one()
    if first is None:
        return 0.0
    span_start = datetime(1970, 1, 1) + timedelta(seconds=SLOT_SECONDS * first)
    span_end = datetime(1970, 1, 1) + timedelta(seconds=SLOT_SECONDS * (last + 1))
    start = max(span_start, window.start or span_start)
    end = min(span_end, window.end or span_end)
    return max((end - start) / (span_end - span_start), 0.0)


__all__ = ["COLUMNS", "BucketCounts", "bucket_counts", "counted", "lower_bound", "middle", "seek", "window_share"]
