"""Each agent's chats of a time window per measure, counted from the running buckets (services.storage.running_buckets):
for the whole UTC days, the row of the last one less the row of the day before the first, whatever the window's
length; the part-days at the edges are read from the chats. The counts name the bucket holding any rank, so that a
median is one seek inside that bucket (services.storage.sqlite_seeks) rather than a sort of the window's chats."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, bindparam, func, select, text
from sqlalchemy.orm import Session

from services.results import TimeWindow
from services.storage.floor_seeks import COLUMNS, MILLISECONDS, counted
from services.storage.floor_totals import SLOT_SECONDS
from services.storage.handled_chats import split_window
from services.storage.models import Chat, SlotCount
from services.storage.running_buckets import TABLE, UNDER
from services.storage.value_buckets import BOUNDS, Measure

EPOCH = datetime(1970, 1, 1)


@dataclass
class WindowCounts:
    """One agent's chats of a measure in a window: how many, their total, how many of the whole days' lie under
    each bucket bound, and the durations (sorted) of the part-days' chats to add (added) and of the chats of
    whole days outside the window to take away (taken)."""

    chats: int = 0
    total_ms: int = 0
    under: Sequence[int] = (0,) * len(BOUNDS)
    added: list[float] = field(default_factory=list)
    taken: list[float] = field(default_factory=list)

    def under_bound(self, bucket: int) -> int:
        """The chats in buckets 0 … bucket (under BOUNDS[bucket]); all of them for the last bucket."""
        if bucket >= len(BOUNDS):
            return self.chats
        bound = BOUNDS[bucket]
        return self.under[bucket] + bisect_left(self.added, bound) - bisect_left(self.taken, bound)

    def position(self, rank: int) -> tuple[int, int]:
        """(bucket, rank inside it) of the chat at rank (0: the shortest): the first bucket with more than rank
        chats under its bound. The whole days' counts alone place it, the part-days' few move it a little: no
        bucket before the one they place with rank less the added chats can be it."""
        bucket = bisect_right(self.under, rank - len(self.added))
        while self.under_bound(bucket) <= rank:
            bucket += 1
        return bucket, rank - (self.under_bound(bucket - 1) if bucket else 0)


def window_counts(
    session: Session, window: TimeWindow, measures: Sequence[Measure]
) -> dict[tuple[int, Measure], WindowCounts]:
    """Per agent (of the users) and measure, the window's counts; agents without chats of a measure are left out."""
    connection = session.connection()
    found: dict[tuple[int, Measure], WindowCounts] = {}
    plan = _plan(session, window)
    if plan.days is not None:
        first_day, end_day = plan.days
        for user_id, measure, chats, total_ms, *under in connection.execute(
            _days_query(measures, first_day, end_day, postgres=connection.dialect.name == "postgresql")
        ):
            found[(user_id, Measure(measure))] = WindowCounts(int(chats), int(total_ms), under)
    for measure in measures:
        columns = COLUMNS[measure]
        for part, sign in [(p, 1) for p in plan.added] + [(p, -1) for p in plan.taken]:
            rows: Any = connection.execute(
                select(Chat.user_id, columns.value, MILLISECONDS[measure]).where(
                    Chat.user_id.is_not(None), *counted(measure, part)
                )
            )
            for user_id, seconds, milliseconds in rows:
                counts = found.setdefault((user_id, measure), WindowCounts())
                counts.chats += sign
                counts.total_ms += sign * int(milliseconds)
                (counts.added if sign > 0 else counts.taken).append(seconds)
    for counts in found.values():
        counts.added.sort()
        counts.taken.sort()
    return {key: counts for key, counts in found.items() if counts.chats}


@dataclass(frozen=True)
class _Plan:
    """Whole UTC days [first, end) read from the running buckets (None: none), the part-days read from the chats
    and added, and the parts of whole days outside the window read and taken away."""

    days: tuple[date | None, date | None] | None
    added: list[TimeWindow]
    taken: list[TimeWindow]


def _plan(session: Session, window: TimeWindow) -> _Plan:
    """A part-day at an edge is read from its chats, or its whole day is taken from the running buckets less the
    chats of the day outside the window, whichever reads fewer chats: "last 30 days" ends at a midnight to come,
    so its last day is whole days' rows less nothing."""
    parts = split_window(window)
    if parts.no_days:
        return _Plan(None, list(parts.edges), [])
    first_day, end_day = parts.first_day, parts.end_day
    added: list[TimeWindow] = []
    taken: list[TimeWindow] = []
    for edge in parts.edges:
        assert edge.start is not None and edge.end is not None  # an edge is a part of one UTC day
        day = datetime.combine(edge.start.date(), time())
        if day.date() == date.max:  # no midnight after it to take the whole day up to
            added.append(edge)
            continue
        outside = [
            part
            for part in (TimeWindow(day, edge.start), TimeWindow(edge.end, day + timedelta(days=1)))
            if part.start != part.end
        ]
        if take_whole_day(session, edge, outside):
            taken += outside
            if edge.start == day:  # the window's last day
                end_day = day.date() + timedelta(days=1)
            else:
                first_day = day.date()
        else:
            added.append(edge)
    return _Plan((first_day, end_day), added, taken)


def _fewer_outside(session: Session, edge: TimeWindow, outside: list[TimeWindow]) -> bool:
    return sum(_chats_in(session, part) for part in outside) < _chats_in(session, edge)


# Whether to read a part-day's day whole less its chats outside the window (or its chats in the window).
take_whole_day = _fewer_outside


def _chats_in(session: Session, part: TimeWindow) -> int:
    """About how many chats a part of a day holds: those created in the quarters of an hour it touches."""
    assert part.start is not None and part.end is not None
    first, last = (int((moment - EPOCH).total_seconds() // SLOT_SECONDS) for moment in (part.start, part.end))
    found = session.connection().execute(
        select(func.sum(SlotCount.chats)).where(
            SlotCount.measure == int(Measure.CREATED), SlotCount.slot >= first, SlotCount.slot <= last
        )
    )
    return int(found.scalar() or 0)


def _days_query(measures: Sequence[Measure], first_day: date | None, end_day: date | None, *, postgres: bool) -> Any:
    """Per agent and measure: the row of the last whole day less the row of the day before the first (none when
    the window is open there). PostgreSQL reads each row in one step (LATERAL); SQLite finds its day, then it."""
    asked = " UNION ALL ".join(f"SELECT {int(m)} AS measure" for m in measures)
    agents = f"(SELECT u.user_id, m.measure FROM users u CROSS JOIN ({asked}) m) a"
    counts = ("chats", "total_ms", *UNDER)
    if first_day is None:  # nothing before the window: the last day's row as it is
        differences = ", ".join(f"e.{name}" for name in counts)
    else:
        differences = ", ".join(f"e.{name} - coalesce(s.{name}, 0)" for name in counts)
    end = "" if end_day is None else " AND x.day < :end_day"
    if postgres:
        where = "x.user_id = a.user_id AND x.measure = a.measure"
        latest = f"SELECT * FROM {TABLE} x WHERE {where}{{}} ORDER BY x.day DESC LIMIT 1"
        before = (
            "" if first_day is None else f" LEFT JOIN LATERAL ({latest.format(' AND x.day < :first_day')}) s ON true"
        )
        sql = (
            f"SELECT a.user_id, a.measure, {differences} FROM {agents} "
            f"CROSS JOIN LATERAL ({latest.format(end)}) e{before}"
        )
    else:

        def day_of(bound: str) -> str:
            return f"(SELECT max(x.day) FROM {TABLE} x WHERE x.user_id = a.user_id AND x.measure = a.measure{bound})"

        before_day = "NULL" if first_day is None else day_of(" AND x.day < :first_day")
        sql = (
            f"WITH ends AS (SELECT a.user_id, a.measure, {day_of(end)} AS last_day, {before_day} AS before_day "
            f"FROM {agents}) "
            f"SELECT r.user_id, r.measure, {differences} FROM ends r "
            f"JOIN {TABLE} e ON e.user_id = r.user_id AND e.measure = r.measure AND e.day = r.last_day "
            f"LEFT JOIN {TABLE} s ON s.user_id = r.user_id AND s.measure = r.measure AND s.day = r.before_day"
        )
    bounds = [bindparam(name, value, type_=Date) for name, value in (("first_day", first_day), ("end_day", end_day))]
    return text(sql).bindparams(*[b for b in bounds if b.value is not None])


__all__ = ["WindowCounts", "window_counts"]
