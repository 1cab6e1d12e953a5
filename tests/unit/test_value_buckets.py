"""Duration buckets: the database's bucket of a duration (an SQL CASE) is the one Python's bounds give, and every
bucket's lower bound is where its durations start."""

from __future__ import annotations

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from services.storage.value_buckets import BOUNDS, BUCKETS, bucket_of, bucket_sql, lower_bound

durations = st.one_of(
    st.sampled_from([float(b) for b in BOUNDS] + [b - 0.001 for b in BOUNDS] + [-5.0, 0.0, 1e9]),
    st.floats(-100, 700_000, allow_nan=False).map(lambda s: round(s, 3)),
)


@given(seconds=durations)
def test_the_database_puts_a_duration_in_the_bucket_python_does(seconds: float) -> None:
    with sqlite3.connect(":memory:") as connection:
        (bucket,) = connection.execute(f"SELECT {bucket_sql('?')}", [seconds] * len(BOUNDS)).fetchone()

    assert bucket == bucket_of(seconds)
    lower = lower_bound(bucket)
    assert lower is None or lower <= seconds
    assert bucket == BUCKETS - 1 or seconds < BOUNDS[bucket]


def test_a_target_on_a_bound_starts_its_own_bucket() -> None:
    assert bucket_of(60) == bucket_of(60.5) == bucket_of(74.999) == bucket_of(59.999) + 1
    assert lower_bound(bucket_of(60)) == 60
