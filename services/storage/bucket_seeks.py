"""Many seeks to a rank inside a duration bucket at once: each steps from the bucket's lower bound through the index
on (agent, duration, time), over that bucket's chats only (services.storage.value_buckets names the bucket and the
rank inside it). PostgreSQL runs them all in one statement; SQLite one small statement per agent, since it cannot
take a LIMIT from an enclosing row (services.storage.sqlite_seeks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, case, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from services.results import TimeWindow
from services.storage.floor_seeks import seek
from services.storage.sqlite_seeks import SqliteSeeker
from services.storage.value_buckets import Measure


@dataclass(frozen=True)
class BucketSeek:
    """The average of the agent's chats of the measure at ranks skip+1 … skip+take counted from lower (the lower
    bound of the bucket holding the first of them; None: bucket 0, open below)."""

    agent: int
    measure: Measure
    skip: int
    take: int
    lower: float | None


def bucket_seek_averages(session: Session, window: TimeWindow, asked: Sequence[BucketSeek]) -> list[Any]:
    """Each seek's average (None where no chat is found), in the order asked, inside the caller's transaction."""
    if not asked:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _postgres(session, window, asked)
    return _sqlite(session, window, asked)


def _sqlite(session: Session, window: TimeWindow, asked: Sequence[BucketSeek]) -> list[Any]:
    by_agent: dict[int, list[int]] = {}
    for position, one in enumerate(asked):
        by_agent.setdefault(one.agent, []).append(position)
    seeker = SqliteSeeker(session)
    found: list[Any] = [None] * len(asked)
    for agent, positions in by_agent.items():
        seeks = [(asked[p].measure, asked[p].skip, asked[p].take, asked[p].lower) for p in positions]
        for position, average in zip(positions, seeker.bucket_averages(agent, window, seeks), strict=True):
            found[position] = average
    return found


def _postgres(session: Session, window: TimeWindow, asked: Sequence[BucketSeek]) -> list[Any]:
    """Every seek as a subquery of one statement over the asked rows, passed as arrays."""
    arrays = [
        literal([one.agent for one in asked], ARRAY(Integer)),
        literal([int(one.measure) for one in asked], ARRAY(Integer)),
        literal([one.skip for one in asked], ARRAY(Integer)),
        literal([one.take for one in asked], ARRAY(Integer)),
        # Bucket 0 is open below: a bound under every duration keeps the seek an index range.
        literal([-1e300 if one.lower is None else float(one.lower) for one in asked], ARRAY(Float)),
    ]
    rows = (
        func.unnest(*arrays)
        .table_valued("user_id", "measure", "skip", "take", "lower", with_ordinality="position")
        .render_derived("asked")
    )
    measures = sorted({one.measure for one in asked})
    averages = [
        (
            rows.c.measure == int(m),
            seek(m, window, skip=rows.c.skip, count=rows.c.take, agent=rows.c.user_id, lower=rows.c.lower),
        )
        for m in measures
    ]
    found: list[Any] = [None] * len(asked)
    for position, average in session.execute(select(rows.c.position, case(*averages))):
        found[position - 1] = average
    return found
