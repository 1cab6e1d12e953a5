"""The summary strip: the whole floor's figures for a period, at a cost that does not grow with every chat.

Counts come from the quarter-hour counts (services.floor_slots); the durations' counts, totals and buckets from
the day totals (services.storage.floor_seeks) plus the part-days at the edges; a median is the bucket holding the middle
chat and one seek inside it; the service level adds up the buckets within the target and seeks the chats of the
one bucket the target cuts. Waiting and in-progress chats are read from their own small indexes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.clock import utc_now
from services.floor_results import FloorSummary, ServiceLevelTarget
from services.floor_slots import count_in
from services.queue import waited_seconds, waiting_longer_than, waiting_now
from services.results import TimeWindow
from services.storage.floor_seeks import (
    COLUMNS,
    BucketCounts,
    bucket_counts,
    counted,
    middle,
    seek,
    window_share,
)
from services.storage.handled_chats import checked_window
from services.storage.models import Chat
from services.storage.sqlite_seeks import SqliteSeeker
from services.storage.unit_of_work import UnitOfWork, begin_now
from services.storage.value_buckets import Measure, bucket_of, lower_bound

# A window holding less than this share of the data: sort its few durations rather than step through a bucket.
SORT_BELOW_SHARE = 0.05


def floor_summary(
    uow: UnitOfWork,
    window: TimeWindow | None = None,
    target: ServiceLevelTarget | None = None,
    *,
    now: datetime | None = None,
) -> FloorSummary:
    """The figures of the chats created (wait, first response, service level) or ended (handled, handling time)
    in the window (all time when None), and of the chats waiting and in progress now."""
    window = checked_window(window)
    target = target or ServiceLevelTarget()
    now = now or utc_now()
    with uow:
        session = uow.session
        begin_now(session.connection())  # every figure from the same moment of the database
        created = count_in(session, Measure.CREATED, window)
        handled = count_in(session, Measure.HANDLING, window)
        in_progress = session.execute(
            select(func.count()).where(Chat.handle_start.is_not(None), Chat.handle_end.is_(None))
        ).scalar_one()
        waiting = waiting_now(session)
        buckets = {
            m: bucket_counts(session, m, window) for m in (Measure.WAIT, Measure.FIRST_RESPONSE, Measure.HANDLING)
        }
        medians = {m: _median(session, m, window, counts) for m, counts in buckets.items()}
        within = _answered_within(session, window, buckets[Measure.WAIT], target.target_seconds)
        late = waiting_longer_than(session, window, target.target_seconds, now)
    decided = buckets[Measure.WAIT].chats + late
    wait, response, handling = (buckets[m] for m in (Measure.WAIT, Measure.FIRST_RESPONSE, Measure.HANDLING))
    return FloorSummary(
        chats_created=created,
        chats_handled=handled,
        chats_in_progress=int(in_progress),
        chats_waiting=waiting.chats,
        longest_wait_seconds=waited_seconds(waiting.longest_waiting_since, now),
        longest_waiting_since=waiting.longest_waiting_since,
        service_level_percent=round(100 * within / decided, 1) if decided else None,
        service_level_target_seconds=target.target_seconds,
        service_level_goal_percent=target.goal_percent,
        answered_within_target=within,
        service_level_chats=decided,
        average_wait_seconds=_average(wait),
        median_wait_seconds=medians[Measure.WAIT],
        average_first_response_seconds=_average(response),
        median_first_response_seconds=medians[Measure.FIRST_RESPONSE],
        average_handling_seconds=_average(handling),
        median_handling_seconds=medians[Measure.HANDLING],
        as_of=now,
    )


def _median(session: Session, measure: Measure, window: TimeWindow, counts: BucketCounts) -> float | None:
    n = counts.chats
    if not n:
        return None
    rank, take = middle(n)
    if window_share(session, window) < SORT_BELOW_SHARE:
        return _seek(session, measure, window, skip=rank, count=take, sort=True)
    bucket, skip = counts.position(rank)
    return _seek(session, measure, window, skip=skip, count=take, lower=lower_bound(bucket))


def _seek(
    session: Session,
    measure: Measure,
    window: TimeWindow,
    *,
    skip: int,
    count: int,
    lower: float | None = None,
    sort: bool = False,
) -> float | None:
    if session.get_bind().dialect.name == "sqlite":
        value = SqliteSeeker(session).average(measure, window, skip=skip, count=count, lower=lower, sort=sort)
    else:
        value = session.execute(select(seek(measure, window, skip=skip, count=count, lower=lower, sort=sort))).scalar()
    return None if value is None else round(float(value), 3)


def _answered_within(session: Session, window: TimeWindow, waits: BucketCounts, target: float) -> int:
    """Chats of the window picked up within target: the whole buckets below it, and the chats of the bucket it
    cuts from that bucket's lower bound up to target, counted in the index of waits."""
    cut = bucket_of(target)  # buckets before it hold only waits below target
    if not waits.buckets.get(cut):
        return waits.up_to(cut)
    wait = COLUMNS[Measure.WAIT].value
    conditions = [*counted(Measure.WAIT, window, by_time=False), wait <= target]
    lower = lower_bound(cut)
    if lower is not None:
        conditions.append(wait >= lower)
    cut_chats = session.execute(select(func.count()).where(*conditions)).scalar_one()
    return waits.up_to(cut) + int(cut_chats)


def _average(counts: BucketCounts) -> float | None:
    return round(counts.total_ms / counts.chats / 1000, 3) if counts.chats else None
