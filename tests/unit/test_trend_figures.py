"""What the trends tab writes under its bars and in its cells: labels that fit and never repeat, round axes."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from arthur_desktop.widgets.trend_figures import (
    axis_labels,
    compact_count,
    count_axis,
    describe_cell,
    describe_period,
    step_of,
)
from services.floor_results import HeatmapCell, TrendPoint, TrendStep

DUBLIN = ZoneInfo("Europe/Dublin")


def hours_from(start: datetime, count: int, zone: ZoneInfo = DUBLIN) -> list[TrendPoint]:
    """Consecutive hours of UTC from start (naive UTC), shown in zone."""
    first = start.replace(tzinfo=ZoneInfo("UTC"))
    return [
        TrendPoint(
            (first + timedelta(hours=n)).astimezone(zone),
            (first + timedelta(hours=n + 1)).astimezone(zone),
            n,
            0,
            None,
            None,
        )
        for n in range(count)
    ]


def days_from(first: datetime, count: int) -> list[TrendPoint]:
    return [
        TrendPoint(first + timedelta(days=n), first + timedelta(days=n + 1), 0, 0, None, None) for n in range(count)
    ]


def ten_pixels_a_letter(text: str) -> int:
    return 10 * len(text)


def test_days_are_labelled_every_so_many_days_so_that_the_labels_fit() -> None:
    points = days_from(datetime(2020, 9, 1, tzinfo=DUBLIN), 30)

    roomy = axis_labels(points, 30 * 80, ten_pixels_a_letter)  # "30 Sep" is 60 px, with the gap 76 px
    narrow = axis_labels(points, 400, ten_pixels_a_letter)  # 30 labels of 76 px in 400 px: every 6th

    assert list(roomy.values())[:3] == ["1 Sep", "2 Sep", "3 Sep"] and len(roomy) == 30
    assert list(narrow) == [0, 6, 12, 18, 24]
    assert narrow[6] == "7 Sep"


def test_days_over_two_years_name_the_year() -> None:
    points = days_from(datetime(2020, 12, 30, tzinfo=DUBLIN), 4)

    assert list(axis_labels(points, 2000, ten_pixels_a_letter).values())[:2] == ["30 Dec 2020", "31 Dec 2020"]


def test_hours_over_two_days_name_the_day_and_a_repeated_hour_is_labelled_once() -> None:
    # The clocks went back in Dublin at 01:00 UTC on 25 October 2020: 01:00 local came twice.
    points = hours_from(datetime(2020, 10, 24, 23), 26)

    labels = axis_labels(points, 10_000, ten_pixels_a_letter)

    assert step_of(points) is TrendStep.HOUR
    assert labels[0] == "Sun 00:00"
    assert [points[i].period_start.strftime("%H:%M") for i in (1, 2)] == ["01:00", "01:00"]
    assert 1 in labels and 2 not in labels  # the second 01:00 is left unlabelled rather than shown twice
    assert len(set(labels.values())) == len(labels)


def test_hours_are_labelled_every_one_two_three_four_six_or_more_hours() -> None:
    points = hours_from(datetime(2020, 9, 29), 24, ZoneInfo("UTC"))

    # "00:00" and its gap are 66 px: 24 of them in 300 px is every 5.3 hours, so every 6; in 800 px every 2.
    assert list(axis_labels(points, 300, ten_pixels_a_letter)) == [0, 6, 12, 18]
    assert list(axis_labels(points, 800, ten_pixels_a_letter).values())[:2] == ["00:00", "02:00"]


def test_a_one_day_window_of_hours_and_an_empty_trend() -> None:
    assert step_of(days_from(datetime(2020, 9, 29, tzinfo=DUBLIN), 1)) is TrendStep.DAY
    assert step_of([]) is TrendStep.DAY
    assert axis_labels([], 500, ten_pixels_a_letter) == {}


@pytest.mark.parametrize(
    ("highest", "axis"), [(0, (1, 2)), (3, (4, 5)), (4, (5, 6)), (6, (8, 5)), (234, (300, 4)), (1999, (2500, 6))]
)
def test_the_chats_axis_has_whole_steps(highest: int, axis: tuple[int, int]) -> None:
    assert count_axis(highest) == axis


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, ""), (7, "7"), (999, "999"), (1_234, "1.2k"), (9_960, "10k"), (12_345, "12k"), (2_500_000, "2.5M")],
)
def test_counts_are_compact_enough_for_a_heatmap_cell(count: int, shown: str) -> None:
    assert compact_count(count) == shown


def test_a_period_and_a_cell_read_as_sentences() -> None:
    start = datetime(2020, 9, 29, 9, tzinfo=DUBLIN)
    hour = TrendPoint(start, start + timedelta(hours=1), 1, 2, 50.0, 390.5)

    assert describe_period(hour, TrendStep.HOUR) == (
        "Tue 29 Sep 2020, 09:00 to 10:00: 1 chat created, 2 handled, service level 50 %, median handling time 6m 30s"
    )
    assert describe_cell(HeatmapCell(6, 23, 1)) == "Sunday 23:00 to 00:00: 1 chat created"
