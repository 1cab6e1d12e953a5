"""Trends over a period, per local day (per local hour for two days or less), and the busiest local weekdays
and hours: in the manager's time zone, from the quarter-hour counts and small reads of the chats.

Chats created and handled per period come from the quarter-hour counts (services.floor_slots). The service
level and the median handling time of each period read only that period's chats, through the indexes on
created and on handle_end, all periods in one statement. The heatmap groups the quarter-hour counts by local
hour of the week, once for each stretch of the period with one UTC offset (a daylight-saving change starts
another stretch).
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from itertools import pairwise

from sqlalchemy.orm import Session

from services.clock import utc_now
from services.floor_results import HeatmapCell, ServiceLevelTarget, TrendPoint, TrendStep
from services.floor_slots import hour_of_week_counts, period_counts, slot_of, slot_span, slot_start
from services.local_time import local_midnight, to_local, to_utc
from services.period_figures import period_figures
from services.queue import waiting_in_periods
from services.results import TimeWindow
from services.storage.handled_chats import checked_window
from services.storage.unit_of_work import UnitOfWork, begin_now
from services.storage.value_buckets import Measure

HOURLY_UP_TO = timedelta(days=2)
MAX_PERIODS = 10_000  # about 27 years of days: beyond that the trend is refused rather than drawn


def trend_step_for(window: TimeWindow) -> TrendStep:
    """Per hour for a period of two days or less, else per day."""
    if window.start is not None and window.end is not None and window.end - window.start <= HOURLY_UP_TO:
        return TrendStep.HOUR
    return TrendStep.DAY


def trends(
    uow: UnitOfWork,
    window: TimeWindow | None,
    zone: tzinfo,
    *,
    step: TrendStep | None = None,
    target: ServiceLevelTarget | None = None,
    now: datetime | None = None,
) -> list[TrendPoint]:
    """One point per local day (or hour) of the window, from the one holding its start to the one holding its
    end (an open side ends at the first or the latest chat). The first and last periods are cut to the window."""
    window = checked_window(window)
    target = target or ServiceLevelTarget()
    with uow:
        session = uow.session
        begin_now(session.connection())
        closed = _closed(session, window, zone)
        if closed is None:
            return []
        boundaries = _boundaries(closed, zone, step or trend_step_for(closed))
        created = period_counts(session, Measure.CREATED, boundaries)
        handled = period_counts(session, Measure.HANDLING, boundaries)
        periods = list(pairwise(boundaries))
        levels, medians = _figures(session, boundaries, handled, target.target_seconds, now or utc_now())
    return [
        TrendPoint(to_local(start, zone), to_local(end, zone), c, h, level, median)
        for (start, end), c, h, level, median in zip(periods, created, handled, levels, medians, strict=True)
    ]


def busiest_times(uow: UnitOfWork, window: TimeWindow | None, zone: tzinfo) -> list[HeatmapCell]:
    """Chats created in the window per local weekday and hour: 168 cells, Monday 00:00 first."""
    window = checked_window(window)
    counts = [0] * 168
    with uow:
        session = uow.session
        begin_now(session.connection())
        span = slot_span(session, Measure.CREATED)
        if span is not None:
            first = max(span[0], slot_of(window.start) if window.start else span[0])
            end = min(span[1] + 1, slot_of(window.end) if window.end else span[1] + 1)
            for start, stop, offset in _constant_offsets(slot_start(first), slot_start(end), zone):
                found = hour_of_week_counts(session, Measure.CREATED, slot_of(start), slot_of(stop), offset)
                for hour, chats in found.items():
                    counts[(hour + 72) % 168] += chats  # hour 0 is a Thursday; Monday is 72 hours later
    return [HeatmapCell(cell // 24, cell % 24, chats) for cell, chats in enumerate(counts)]


def _closed(session: Session, window: TimeWindow, zone: tzinfo) -> TimeWindow | None:
    """The window with an open side closed at the local midnight before the first chat, or after the latest
    (created or ended)."""
    if window.start is not None and window.end is not None:
        return window
    span = slot_span(session, Measure.CREATED)
    handled = slot_span(session, Measure.HANDLING)
    if span is None and handled is None:
        return None
    slots = [s for s in (span, handled) if s is not None]
    first = local_midnight(to_local(slot_start(min(s[0] for s in slots)), zone).date(), zone)
    last = to_local(slot_start(max(s[1] for s in slots)), zone).date()
    end = local_midnight(last + timedelta(days=1), zone)
    closed = TimeWindow(window.start or first, window.end or end)
    return closed if closed.start < closed.end else None  # type: ignore[operator]


def _boundaries(window: TimeWindow, zone: tzinfo, step: TrendStep) -> list[datetime]:
    """The window's start, each local midnight (or hour) inside it, and its end, as naive UTC."""
    assert window.start is not None and window.end is not None
    local = to_local(window.start, zone)
    if step is TrendStep.DAY:
        day = local.date()
        moments = (local_midnight(day + timedelta(days=n), zone) for n in range(1, MAX_PERIODS + 1))
    else:
        hour = local.replace(minute=0, second=0, microsecond=0)
        # Hours of UTC: a repeated local hour is two periods, a skipped one none.
        first = to_utc(hour, zone)
        moments = (first + timedelta(hours=n) for n in range(1, MAX_PERIODS * 24 + 1))
    boundaries = [window.start]
    for moment in moments:
        if moment >= window.end:
            break
        if moment > boundaries[-1]:
            boundaries.append(moment)
    return [*boundaries, window.end]


def _figures(
    session: Session, boundaries: list[datetime], handled: list[int], target: int, now: datetime
) -> tuple[list[float | None], list[float | None]]:
    """Per period: the service level (picked up within target over picked up plus still waiting past it) and
    the median handling time."""
    figures = period_figures(session, boundaries, target, handled)
    late = waiting_in_periods(session, boundaries, now - timedelta(seconds=target))
    levels = [
        round(100 * within / (picked_up + waiting), 1) if picked_up + waiting else None
        for (picked_up, within, _), waiting in zip(figures, late, strict=True)
    ]
    return levels, [None if median is None else round(median, 3) for _, _, median in figures]


def _constant_offsets(start: datetime, end: datetime, zone: tzinfo) -> list[tuple[datetime, datetime, timedelta]]:
    """[start, end) cut where the zone's UTC offset changes, each piece with its offset (looked for day by day,
    then to the quarter of an hour)."""
    pieces: list[tuple[datetime, datetime, timedelta]] = []
    piece_start, offset = start, _offset(start, zone)
    day = start
    while day < end:
        following = min(day + timedelta(days=1), end)
        if _offset(following, zone) == offset:
            day = following
            continue
        change = _first_change(day, following, offset, zone)
        pieces.append((piece_start, change, offset))
        piece_start, offset, day = change, _offset(change, zone), change
    pieces.append((piece_start, end, offset))
    return [piece for piece in pieces if piece[0] < piece[1]]


def _first_change(start: datetime, end: datetime, offset: timedelta, zone: tzinfo) -> datetime:
    """The first quarter of an hour in (start, end] whose offset is not offset (end if none)."""
    moment = start
    while moment < end:
        moment += timedelta(minutes=15)
        if _offset(moment, zone) != offset:
            return moment
    return end


def _offset(moment: datetime, zone: tzinfo) -> timedelta:
    return to_local(moment, zone).utcoffset() or timedelta()
