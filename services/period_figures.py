"""Per period of a trend (local days or hours): the chats picked up and those picked up within the target, and the
median handling time, each read from that period's own chats through the indexes on created and on handle_end.

PostgreSQL takes the periods as two arrays and answers for all of them in one statement; SQLite, which has no
arrays, runs two small statements per period on the transaction's own connection.
"""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

from sqlalchemy import text
from sqlalchemy.orm import Session

from services.results import TimeWindow
from services.storage.floor_seeks import middle
from services.storage.sqlite_seeks import SqliteSeeker
from services.storage.value_buckets import Measure

_POSTGRES = text(
    """
SELECT p.i,
       (SELECT count(*) FROM chats
        WHERE created >= p.s AND created < p.e AND wait_seconds IS NOT NULL) AS picked_up,
       (SELECT count(*) FROM chats
        WHERE created >= p.s AND created < p.e AND wait_seconds IS NOT NULL AND wait_seconds <= :target) AS within,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY handling_seconds) FROM chats
        WHERE handle_end >= p.s AND handle_end < p.e AND handle_end IS NOT NULL AND handling_seconds IS NOT NULL)
           AS median
FROM unnest(CAST(:starts AS timestamp[]), CAST(:ends AS timestamp[])) WITH ORDINALITY AS p(s, e, i)
ORDER BY p.i
"""
)
_SQLITE_PICKED_UP = (
    "SELECT count(*), coalesce(sum(wait_seconds <= ?), 0) FROM chats INDEXED BY ix_chats_created_figures "
    "WHERE created >= ? AND created < ? AND wait_seconds IS NOT NULL"
)


def period_figures(
    session: Session, boundaries: list[datetime], target: float, handled: list[int]
) -> list[tuple[int, int, float | None]]:
    """Per period [boundaries[i], boundaries[i + 1]): (picked up, picked up within target, median handling time);
    handled[i] is the period's count of handled chats (no median is sought without any)."""
    periods = list(pairwise(boundaries))
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(
            _POSTGRES, {"starts": [s for s, _ in periods], "ends": [e for _, e in periods], "target": target}
        ).all()
        return [(int(r.picked_up), int(r.within), None if r.median is None else float(r.median)) for r in rows]
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    seeker = SqliteSeeker(session)
    figures = []
    for (start, end), n in zip(periods, handled, strict=True):
        window = TimeWindow(start, end)
        picked_up, within = cursor.execute(_SQLITE_PICKED_UP, (target, *seeker.bounds(window))).fetchone()
        median = (
            seeker.average(Measure.HANDLING, window, skip=middle(n)[0], count=middle(n)[1], sort=True) if n else None
        )
        figures.append((int(picked_up), int(within), median))
    return figures
