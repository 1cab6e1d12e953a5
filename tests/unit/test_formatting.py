from __future__ import annotations

from datetime import datetime

import pytest

from services.formatting import format_duration, format_timestamp


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (None, "—"),
        (0, "0s"),
        (45.4, "45s"),
        (300, "5m 00s"),
        (390, "6m 30s"),
        (3_725, "1h 02m 05s"),
        (90_061, "1d 01h 01m"),
        (-300, "-5m 00s"),  # an end recorded before the start, shown as it is
        (-90_061, "-1d 01h 01m"),
        (-0.4, "0s"),
    ],
)
def test_durations_read_as_a_person_would_say_them(seconds: float | None, shown: str) -> None:
    assert format_duration(seconds) == shown


def test_timestamps_show_to_the_minute() -> None:
    assert format_timestamp(datetime(2020, 9, 29, 9, 5, 20)) == "2020-09-29 09:05"
    assert format_timestamp(None) == "—"
