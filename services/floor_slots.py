"""Chats created and handled in any stretch of time, from the quarter-hour counts (slot_counts).

A stretch is made of whole quarters of an hour of UTC, read from the counts, and at most a part-quarter at each
end, read from the chats. Every local midnight and hour of today's time zones falls on a quarter of UTC, so local
days and hours are whole quarters.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select
from sqlalchemy.orm import Session

from services.results import TimeWindow
from services.storage.floor_totals import SLOT_SECONDS
from services.storage.models import Chat, SlotCount
from services.storage.sql_time import WindowBound
from services.storage.value_buckets import Measure

EPOCH = datetime(1970, 1, 1)
SLOT = timedelta(seconds=SLOT_SECONDS)
SLOT_MINUTES = SLOT_SECONDS // 60


def slot_of(moment: datetime) -> int:
    """The quarter of an hour holding moment (naive UTC), as the database numbers them."""
    return (moment - EPOCH) // SLOT


def slot_start(slot: int) -> datetime:
    return EPOCH + slot * SLOT


def chat_counted(measure: Measure) -> tuple[Any, list[ColumnElement[bool]]]:
    """The time that places a chat in a slot, and when it counts: created; or handle_end of a handled chat."""
    if measure is Measure.CREATED:
        return Chat.created, [Chat.created.is_not(None)]
    return Chat.handle_end, [Chat.handling_seconds.is_not(None), Chat.handle_end.is_not(None)]


def count_in(session: Session, measure: Measure, window: TimeWindow) -> int:
    """The chats created (or handled) in the window."""
    first = None if window.start is None else _first_whole_slot(window.start)
    end = None if window.end is None else slot_of(window.end)
    if first is not None and end is not None and first >= end:  # inside one or two quarters
        return _chats_in(session, measure, window)
    edges = []
    if window.start is not None and first is not None and slot_start(first) > window.start:
        edges.append(TimeWindow(window.start, slot_start(first)))
    if window.end is not None and end is not None and slot_start(end) < window.end:
        edges.append(TimeWindow(slot_start(end), window.end))
    return _slots_total(session, measure, first, end) + sum(_chats_in(session, measure, edge) for edge in edges)


def period_counts(session: Session, measure: Measure, boundaries: Sequence[datetime]) -> list[int]:
    """The chats created (or handled) in each period [boundaries[i], boundaries[i + 1]), ascending times."""
    rows = session.connection().execute(
        select(SlotCount.slot, SlotCount.chats).where(
            SlotCount.measure == int(measure),
            SlotCount.slot >= slot_of(boundaries[0]),
            SlotCount.slot <= slot_of(boundaries[-1]),
        )
    )
    return place_in_periods(rows, boundaries, lambda window: _times_in(session, measure, window))


def place_in_periods(
    slot_counts: Iterable[tuple[int, int]],
    boundaries: Sequence[datetime],
    times_in: Callable[[TimeWindow], Iterable[datetime]],
) -> list[int]:
    """Counts per quarter of an hour added up per period; a quarter that a boundary cuts is counted from its
    chats' own times (times_in), each in its own period."""
    starts = [(boundary - EPOCH).total_seconds() for boundary in boundaries]
    split = {slot_of(b) for b in boundaries if slot_start(slot_of(b)) != b}
    counts = [0] * (len(boundaries) - 1)
    for slot, chats in slot_counts:
        period = bisect_right(starts, slot * SLOT_SECONDS) - 1
        if slot not in split and 0 <= period < len(counts):
            counts[period] += chats
    for slot in split:
        for moment in times_in(TimeWindow(slot_start(slot), slot_start(slot + 1))):
            period = bisect_right(boundaries, moment) - 1
            if 0 <= period < len(counts) and moment < boundaries[-1]:
                counts[period] += 1
    return counts


def hour_of_week_counts(
    session: Session, measure: Measure, first_slot: int, end_slot: int, offset: timedelta
) -> dict[int, int]:
    """Chats per local hour of the week over [first_slot, end_slot), for a constant UTC offset: {hour: chats},
    hour 0 being Thursday 00:00 local, as 1970-01-01 was a Thursday."""
    minutes = round(offset.total_seconds() / 60)
    hour = ((SlotCount.slot * SLOT_MINUTES + literal(minutes)) // 60) % 168
    rows = session.execute(
        select(hour.label("hour"), func.sum(SlotCount.chats))
        .where(SlotCount.measure == int(measure), SlotCount.slot >= first_slot, SlotCount.slot < end_slot)
        .group_by(hour)
    )
    return {int(h): int(chats) for h, chats in rows}


def slot_span(session: Session, measure: Measure) -> tuple[int, int] | None:
    """The first and the last slot holding chats, or None when there are none."""
    first, last = session.execute(
        select(func.min(SlotCount.slot), func.max(SlotCount.slot)).where(SlotCount.measure == int(measure))
    ).one()
    return None if first is None else (int(first), int(last))


def _slots_total(session: Session, measure: Measure, first: int | None, end: int | None) -> int:
    query = select(func.coalesce(func.sum(SlotCount.chats), 0)).where(SlotCount.measure == int(measure))
    if first is not None:
        query = query.where(SlotCount.slot >= first)
    if end is not None:
        query = query.where(SlotCount.slot < end)
    return int(session.execute(query).scalar_one())


def _chats_in(session: Session, measure: Measure, window: TimeWindow) -> int:
    time, conditions = chat_counted(measure)
    query = select(func.count()).where(*conditions, *_between(time, window))
    return int(session.execute(query).scalar_one())


def _times_in(session: Session, measure: Measure, window: TimeWindow) -> list[datetime]:
    time, conditions = chat_counted(measure)
    return list(session.execute(select(time).where(*conditions, *_between(time, window))).scalars())


def _between(time: Any, window: TimeWindow) -> list[ColumnElement[bool]]:
    conditions = []
    if window.start is not None:
        conditions.append(time >= literal(window.start, WindowBound()))
    if window.end is not None:
        conditions.append(time < literal(window.end, WindowBound()))
    return conditions


def _first_whole_slot(moment: datetime) -> int:
    slot = slot_of(moment)
    return slot if slot_start(slot) == moment else slot + 1
