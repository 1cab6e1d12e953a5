"""Durations sorted into buckets, so a median is found by adding up bucket counts, then one short seek.

The database keeps, beside the chats, how many chats of each bucket there are (per agent over all time, and
per day over all agents; services.storage.floor_totals). A median is then: add up the buckets in order until half the
chats are passed, which names the bucket holding the middle chat and its rank inside that bucket; then seek to
that rank in an index ordered by the duration, starting at the bucket's lower bound. Only the chats of one
bucket are stepped over, instead of half of all the chats.

Bucket 0 holds everything below the first bound (negative durations written by other programs included);
bucket k holds [BOUNDS[k - 1], BOUNDS[k]); the last one is open above. The bounds are round numbers of seconds,
so the usual service-level targets (10, 20, 30, 60, 120, 180 s …) fall on them and are counted exactly from
the buckets.
"""

from __future__ import annotations

from bisect import bisect_right
from enum import IntEnum

BOUNDS: tuple[int, ...] = (
    *(1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 45, 50, 60, 75, 90, 105, 120, 150, 180, 210, 240),
    *(300, 360, 420, 480, 600, 720, 900, 1080, 1200, 1500, 1800, 2400, 3000, 3600, 4500, 5400, 7200),
    *(9000, 10_800, 14_400, 18_000, 21_600, 28_800, 43_200, 64_800, 86_400, 172_800, 259_200, 604_800),
)
BUCKETS = len(BOUNDS) + 1


class Measure(IntEnum):
    """What a bucket counts: the chat's wait, first response or handling time (or, in slot totals, that a chat
    was created or handled in that slot)."""

    CREATED = 0
    WAIT = 1
    FIRST_RESPONSE = 2
    HANDLING = 3


def bucket_of(seconds: float) -> int:
    return bisect_right(BOUNDS, seconds)


def lower_bound(bucket: int) -> int | None:
    """The smallest duration of the bucket; None for bucket 0, which is open below."""
    return None if bucket == 0 else BOUNDS[bucket - 1]


def bucket_sql(value: str) -> str:
    """The bucket of the SQL expression value, by the same comparisons an index range makes, on both engines."""
    cases = " ".join(f"WHEN {value} < {bound} THEN {k}" for k, bound in enumerate(BOUNDS))
    return f"CASE {cases} ELSE {len(BOUNDS)} END"
