"""The live floor on the brief's seed data, against figures worked out by hand from the seed's timestamps.

Waits (handle_start - created): chat 1 300 s, chat 2 120 s, chat 3 120 s, chat 4 240 s; chats 5 and 6 still wait.
First responses: chat 1 60 s (09:00:20 customer, 09:01:20 agent), chat 2 120 s, chat 3 120 s, chat 4 120 s.
Handling: chat 1 300 s, chat 3 180 s, chat 4 600 s; chat 2 in progress.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from services.floor_export import export_busiest_times_csv, export_trend_csv
from services.floor_results import ServiceLevelTarget
from services.floor_summary import floor_summary
from services.performance import agent_performance
from services.results import TimeWindow
from services.storage.database import Database
from services.trends import busiest_times, trends

NOW = datetime(2020, 9, 29, 9, 10, 20, 540957)  # ten minutes after the last chat was created
LONGEST_WAITING_SINCE = datetime(2020, 9, 29, 8, 50, 20, 540957)


def test_the_summary_of_all_time_with_a_target_of_180_seconds(database: Database) -> None:
    summary = floor_summary(database.unit_of_work(), None, ServiceLevelTarget(180, 80), now=NOW)

    assert (summary.chats_created, summary.chats_handled, summary.chats_in_progress) == (6, 3, 1)
    assert (summary.chats_waiting, summary.longest_waiting_since) == (2, LONGEST_WAITING_SINCE)
    assert summary.longest_wait_seconds == 20 * 60  # 08:50:20 to 09:10:20
    # Picked up within 180 s: chats 2 and 3; decided: the 4 picked up and the 2 waiting for 15 and 20 minutes.
    assert (summary.answered_within_target, summary.service_level_chats) == (2, 6)
    assert summary.service_level_percent == 33.3
    assert summary.below_goal
    assert (summary.average_wait_seconds, summary.median_wait_seconds) == (195.0, 180.0)
    assert (summary.average_first_response_seconds, summary.median_first_response_seconds) == (105.0, 120.0)
    assert (summary.average_handling_seconds, summary.median_handling_seconds) == (360.0, 300.0)


def test_a_chat_still_waiting_under_the_target_is_not_yet_decided(database: Database) -> None:
    early = datetime(2020, 9, 29, 8, 57, 20, 540957)  # chat 5 has waited 2 minutes, chat 6 seven

    summary = floor_summary(database.unit_of_work(), None, ServiceLevelTarget(180), now=early)

    assert (summary.answered_within_target, summary.service_level_chats) == (2, 5)
    assert summary.service_level_percent == 40.0


@pytest.mark.parametrize(("target", "within"), [(119, 0), (120, 2), (240, 3), (300, 4)])
def test_a_wait_equal_to_the_target_is_within_it(database: Database, target: int, within: int) -> None:
    summary = floor_summary(database.unit_of_work(), None, ServiceLevelTarget(target), now=NOW)

    assert summary.answered_within_target == within


def test_wait_and_first_response_per_agent(database: Database) -> None:
    rows = {row.name: row for row in agent_performance(database.unit_of_work())}

    one, two, three = rows["Test User 1"], rows["Test User 2"], rows["Test User 3"]
    assert (one.average_wait_seconds, one.median_wait_seconds) == (210.0, 210.0)
    assert (one.average_first_response_seconds, one.median_first_response_seconds) == (90.0, 90.0)
    assert (three.average_wait_seconds, three.median_wait_seconds) == (180.0, 180.0)
    assert (three.average_first_response_seconds, three.median_first_response_seconds) == (120.0, 120.0)
    assert (two.average_wait_seconds, two.median_first_response_seconds) == (None, None)


def test_wait_counts_the_chats_created_in_the_window_and_handling_those_ended_in_it(database: Database) -> None:
    # From 08:45: chat 4 (created 08:40, ended 08:54) leaves the wait, but its handling still counts.
    window = TimeWindow(datetime(2020, 9, 29, 8, 45), datetime(2020, 9, 30))

    three = {row.name: row for row in agent_performance(database.unit_of_work(), window)}["Test User 3"]
    summary = floor_summary(database.unit_of_work(), window, ServiceLevelTarget(180), now=NOW)

    assert (three.chats_handled, three.median_handling_seconds, three.median_wait_seconds) == (2, 390.0, 120.0)
    assert (summary.chats_created, summary.average_wait_seconds, summary.median_wait_seconds) == (5, 180.0, 120.0)


def test_the_trend_per_hour_in_india_puts_every_chat_in_the_local_hour_from_two_pm(database: Database) -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+05:30: 08:40-09:05 UTC is 14:10-14:35
    day = TimeWindow(datetime(2020, 9, 28, 18, 30), datetime(2020, 9, 29, 18, 30))  # 29 September, local

    points = trends(database.unit_of_work(), day, kolkata, target=ServiceLevelTarget(180), now=NOW)

    assert len(points) == 24
    assert [p.period_start.hour for p in points] == list(range(24))
    busy = [p for p in points if p.chats_created or p.chats_handled]
    assert [(p.period_start.hour, p.chats_created, p.chats_handled) for p in busy] == [(14, 6, 3)]
    assert (busy[0].service_level_percent, busy[0].median_handling_seconds) == (33.3, 300.0)
    assert busy[0].period_start.utcoffset() == timedelta(hours=5, minutes=30)


def test_the_busiest_times_are_tuesday_two_pm_in_india_and_nine_am_utc(database: Database) -> None:
    kolkata = busiest_times(database.unit_of_work(), None, ZoneInfo("Asia/Kolkata"))
    utc = busiest_times(database.unit_of_work(), None, ZoneInfo("UTC"))

    assert len(kolkata) == 168
    assert [(c.weekday, c.hour, c.chats_created) for c in kolkata if c.chats_created] == [(1, 14, 6)]
    # UTC: 08:40, 08:50, 08:55 twice; 09:00 twice.
    assert [(c.weekday, c.hour, c.chats_created) for c in utc if c.chats_created] == [(1, 8, 4), (1, 9, 2)]


def test_the_trend_and_the_busiest_times_export_to_csv(database: Database, tmp_path: Path) -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    day = TimeWindow(datetime(2020, 9, 28, 18, 30), datetime(2020, 9, 29, 18, 30))
    points = trends(database.unit_of_work(), day, kolkata, target=ServiceLevelTarget(180), now=NOW)
    cells = busiest_times(database.unit_of_work(), day, kolkata)

    assert export_trend_csv(points, tmp_path / "trend.csv") == 24
    assert export_busiest_times_csv(cells, tmp_path / "busy.csv") == 168
    trend_rows = list(csv.reader((tmp_path / "trend.csv").read_text("utf-8").splitlines()))
    busy_rows = list(csv.reader((tmp_path / "busy.csv").read_text("utf-8").splitlines()))
    assert trend_rows[0] == [
        "Period start",
        "Chats created",
        "Chats handled",
        "Service level (%)",
        "Median handling (s)",
    ]
    assert trend_rows[1] == ["2020-09-29T00:00:00+05:30", "0", "0", "", ""]
    assert trend_rows[15] == ["2020-09-29T14:00:00+05:30", "6", "3", "33.3", "300"]
    assert busy_rows[1] == ["Monday", "0", "0"]
    assert busy_rows[1 + 24 + 14] == ["Tuesday", "14", "6"]
