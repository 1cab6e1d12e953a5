"""The manager's time zone: which one, local days as UTC windows (half-hour offsets, clock changes), local display."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from services.local_time import (
    format_local,
    iso_local,
    last_days,
    local_days,
    local_midnight,
    local_today,
    local_zone,
    to_utc,
    zone_name,
)

KOLKATA, DUBLIN, ST_JOHNS = ZoneInfo("Asia/Kolkata"), ZoneInfo("Europe/Dublin"), ZoneInfo("America/St_Johns")


def test_tz_names_the_zone_and_an_empty_tz_is_utc() -> None:
    assert local_zone({"TZ": "Asia/Kolkata"}) == KOLKATA
    assert local_zone({"TZ": ":Europe/Dublin"}) == DUBLIN
    assert local_zone({"TZ": ""}) is UTC


def test_tz_may_be_the_path_of_a_zone_file() -> None:
    path = Path("/usr/share/zoneinfo/America/St_Johns")
    if not path.exists():
        pytest.skip("no zone files on this computer")
    zone = local_zone({"TZ": str(path)})

    assert to_utc(datetime(2024, 1, 15), zone) == datetime(2024, 1, 15, 3, 30)


def test_an_unknown_tz_falls_back_to_a_fixed_offset_named_by_it() -> None:
    zone = local_zone({"TZ": "Nowhere/Atlantis"})

    assert zone.utcoffset(datetime(2024, 1, 1)) is not None
    assert zone_name(zone, datetime(2024, 1, 1)).startswith("UTC")


def test_a_local_day_half_an_hour_off_utc() -> None:
    window = local_days(date(2020, 9, 29), date(2020, 9, 29), KOLKATA)

    assert (window.start, window.end) == (datetime(2020, 9, 28, 18, 30), datetime(2020, 9, 29, 18, 30))


def test_the_days_the_clocks_change_are_23_and_25_hours_long() -> None:
    spring = local_days(date(2024, 3, 31), date(2024, 3, 31), DUBLIN)
    autumn = local_days(date(2024, 10, 27), date(2024, 10, 27), DUBLIN)

    assert spring.end - spring.start == timedelta(hours=23)  # type: ignore[operator]
    assert autumn.end - autumn.start == timedelta(hours=25)  # type: ignore[operator]
    assert spring.start == datetime(2024, 3, 31)  # GMT until 01:00 UTC that night


def test_a_wall_clock_time_skipped_by_the_change_reads_with_the_offset_before_it() -> None:
    assert to_utc(datetime(2024, 3, 31, 1, 30), DUBLIN) == datetime(2024, 3, 31, 1, 30)
    assert to_utc(datetime(2024, 10, 27, 1, 30), DUBLIN) == datetime(2024, 10, 27, 0, 30)  # the first 01:30


def test_today_and_the_last_days_are_local() -> None:
    late_evening_utc = datetime(2024, 6, 1, 20, 0)  # already 2 June in India

    assert local_today(KOLKATA, late_evening_utc) == date(2024, 6, 2)
    week = last_days(7, KOLKATA, late_evening_utc)
    assert (week.start, week.end) == (
        local_midnight(date(2024, 5, 27), KOLKATA),
        local_midnight(date(2024, 6, 3), KOLKATA),
    )


def test_times_are_shown_in_the_zone_and_written_with_their_offset() -> None:
    stored = datetime(2020, 9, 29, 8, 40, 20, 540957)

    assert format_local(stored, ST_JOHNS) == "2020-09-29 06:10"  # NDT, UTC-02:30
    assert format_local(None, ST_JOHNS) == "—"
    assert iso_local(stored, KOLKATA) == "2020-09-29T14:10:20.540957+05:30"


def test_the_zone_is_named_with_its_abbreviation_and_offset() -> None:
    assert zone_name(KOLKATA, datetime(2024, 1, 1)) == "Asia/Kolkata (IST, UTC+05:30)"
    assert zone_name(ST_JOHNS, datetime(2024, 1, 1)) == "America/St_Johns (NST, UTC-03:30)"
    assert zone_name(ZoneInfo("UTC")) == "UTC"
