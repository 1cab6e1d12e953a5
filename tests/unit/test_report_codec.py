"""Reports as JSON text and back (services.report_codec): what a desktop keeps for the others, and what it refuses."""

from __future__ import annotations

from datetime import datetime

import pytest

from services.distribution import AgentDistribution
from services.floor_results import FloorSummary
from services.report_codec import ReportUnreadable, decode_one, decode_rows, encode_one, encode_rows
from services.results import AgentPerformance

SUMMARY = FloorSummary(
    12, 9, 2, 1, 65.5, datetime(2026, 12, 1, 8, 59, 0, 123456), 87.5, 60, 80.0, 7, 8,
    30.0, 20.0, None, None, 300.25, 240.0, datetime(2026, 12, 1, 9, 0),
)  # fmt: skip


def test_every_report_comes_back_equal_with_its_types() -> None:
    rows = [
        AgentPerformance(1, "Ann", 3, 0, 300.0, 240.0, None, None, 12.0, 12.0),
        AgentPerformance(2, None, 0, 1, None, None),
    ]
    charted = [AgentDistribution(1, "Ann", 3, 60.0, 90.0, 240.0, 300.0, 600.0, 900.0)]

    assert decode_rows(encode_rows(rows), AgentPerformance) == rows
    assert decode_rows(encode_rows(charted), AgentDistribution) == charted
    summary = decode_one(encode_one(SUMMARY), FloorSummary)
    assert summary == SUMMARY and isinstance(summary.longest_waiting_since, datetime)
    assert decode_rows(encode_rows([]), AgentPerformance) == []


def test_a_whole_number_where_a_duration_belongs_is_read_as_one() -> None:
    (row,) = decode_rows('[[1, "Ann", 3, 0, 300, null, null, null, null, null]]', AgentPerformance)
    assert row.average_handling_seconds == 300.0 and isinstance(row.average_handling_seconds, float)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[1]",
        "[[1, 2]]",
        '[[1, "Ann", "3", 0, null, null, null, null, null, null]]',
        '[[1, "Ann", false, 0, null, null, null, null, null, null]]',
        '[[1, "Ann", 3, 0, "soon", null, null, null, null, null]]',
        '[[null, "Ann", 3, 0, null, null, null, null, null, null]]',
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ReportUnreadable):
        decode_rows(text, AgentPerformance)


def test_a_summary_with_a_time_that_is_no_time_is_refused() -> None:
    text = encode_one(SUMMARY).replace("2026-12-01T08:59:00.123456", "yesterday")
    with pytest.raises(ReportUnreadable):
        decode_one(text, FloorSummary)
    with pytest.raises(ReportUnreadable):
        decode_one(encode_rows([SUMMARY, SUMMARY]), FloorSummary)
