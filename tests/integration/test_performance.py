"""Agent performance (Task 1) on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from seed_data import SEED_DAY, add_chat, add_user
from services.errors import InvalidTimeWindow
from services.performance import agent_performance
from services.results import AgentPerformance, TimeWindow
from services.storage import running_counts
from services.storage.database import Database


def by_name(rows: list[AgentPerformance]) -> dict[str, AgentPerformance]:
    return {row.name or "": row for row in rows}


def test_the_seed_database_gives_the_figures_of_the_brief(database: Database) -> None:
    rows = agent_performance(database.unit_of_work())

    assert rows == [
        AgentPerformance(1, "Test User 1", 1, 1, 300.0, 300.0, 210.0, 210.0, 90.0, 90.0),
        AgentPerformance(2, "Test User 2", 0, 0, None, None, None, None, None, None),
        AgentPerformance(3, "Test User 3", 2, 0, 390.0, 390.0, 180.0, 180.0, 120.0, 120.0),
    ]


def test_an_agent_with_no_chats_has_no_average_rather_than_zero(database: Database) -> None:
    add_user(database, "New Agent")

    new_agent = by_name(agent_performance(database.unit_of_work()))["New Agent"]

    assert (new_agent.chats_handled, new_agent.chats_in_progress) == (0, 0)
    assert new_agent.average_handling_seconds is None
    assert new_agent.median_handling_seconds is None


def test_median_resists_one_very_long_chat_that_drags_the_average(database: Database) -> None:
    agent = add_user(database, "Median Agent")
    for seconds in (60, 120, 180, 36_000):
        add_chat(database, user_id=agent, start=SEED_DAY, seconds=seconds)

    row = by_name(agent_performance(database.unit_of_work()))["Median Agent"]

    assert row.chats_handled == 4
    assert row.average_handling_seconds == pytest.approx((60 + 120 + 180 + 36_000) / 4)
    assert row.median_handling_seconds == 150.0


def test_median_of_an_odd_count_is_the_middle_chat(database: Database) -> None:
    agent = add_user(database, "Odd Agent")
    for seconds in (500, 10, 70):
        add_chat(database, user_id=agent, start=SEED_DAY, seconds=seconds)

    assert by_name(agent_performance(database.unit_of_work()))["Odd Agent"].median_handling_seconds == 70.0


def test_chats_longer_than_a_day_count_every_second(database: Database) -> None:
    agent = add_user(database, "Long Agent")
    add_chat(database, user_id=agent, start=SEED_DAY, seconds=2 * 86_400 + 61.5)

    row = by_name(agent_performance(database.unit_of_work()))["Long Agent"]

    assert row.average_handling_seconds == 2 * 86_400 + 61.5


def test_in_progress_and_waiting_chats_are_not_counted_as_handled(database: Database) -> None:
    agent = add_user(database, "Busy Agent")
    add_chat(database, user_id=agent, start=SEED_DAY, seconds=None)
    add_chat(database, user_id=agent, start=SEED_DAY, seconds=None)
    add_chat(database, user_id=None, start=None, seconds=None)

    row = by_name(agent_performance(database.unit_of_work()))["Busy Agent"]

    assert (row.chats_handled, row.chats_in_progress, row.average_handling_seconds) == (0, 2, None)


@pytest.mark.parametrize(
    ("start", "end", "expected_handled"),
    [
        (None, None, {"Test User 1": 1, "Test User 3": 2}),
        (datetime(2020, 9, 29, 9, 0), None, {"Test User 1": 1, "Test User 3": 1}),
        (None, datetime(2020, 9, 29, 9, 0), {"Test User 1": 0, "Test User 3": 1}),
        # handle_end 09:05:20.540957 is the end of the window: excluded, as [from, to) says.
        (
            datetime(2020, 9, 29, 8, 0),
            datetime(2020, 9, 29, 9, 5, 20, 540957),
            {"Test User 1": 0, "Test User 3": 1},
        ),
        (datetime(2021, 1, 1), None, {"Test User 1": 0, "Test User 3": 0}),
    ],
)
def test_the_time_window_keeps_chats_whose_handle_end_falls_inside_it(
    database: Database, start: datetime | None, end: datetime | None, expected_handled: dict[str, int]
) -> None:
    rows = by_name(agent_performance(database.unit_of_work(), TimeWindow(start, end)))

    assert {name: rows[name].chats_handled for name in expected_handled} == expected_handled
    assert rows["Test User 1"].chats_in_progress == 1


def test_a_window_that_ends_before_it_starts_is_refused(database: Database) -> None:
    later = datetime(2021, 1, 1)
    with pytest.raises(InvalidTimeWindow):
        agent_performance(database.unit_of_work(), TimeWindow(later, later - timedelta(days=1)))


HOURS = TimeWindow(SEED_DAY - timedelta(hours=1), SEED_DAY + timedelta(hours=1))


DAYS = TimeWindow(SEED_DAY - timedelta(days=2, hours=1), SEED_DAY + timedelta(hours=30))


@pytest.mark.parametrize("window", [None, HOURS, DAYS], ids=["all time", "hours", "days and part-days"])
def test_counts_come_from_totals_and_medians_from_index_seeks_without_reading_every_chat(
    database: Database, window: TimeWindow | None
) -> None:
    for number in range(20):
        agent = add_user(database, f"Agent {number}")
        add_chat(database, user_id=agent, start=SEED_DAY, seconds=number + 1)
    statements = _record_statements(database)

    rows = agent_performance(database.unit_of_work(), window)

    assert len(rows) == 23
    if database.dialect == "postgresql":
        # As many statements whatever the number of agents: the seeks are subqueries of one of them.
        first = len(statements)
        for number in range(20, 40):
            agent = add_user(database, f"Agent {number}")
            add_chat(database, user_id=agent, start=SEED_DAY, seconds=number + 1)
        statements.clear()
        agent_performance(database.unit_of_work(), window)
        assert len(statements) == first
        return
    with database.engine.connect() as connection:
        plans = [connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all() for sql in statements if "SELECT" in sql]
    steps = [step[3] for plan in plans for step in plan]
    assert not [step for step in steps if step.startswith("SCAN chats")]
    seeks = [sql for sql in statements if "INDEXED BY" in sql]
    medians = [
        [m for m in (r.median_handling_seconds, r.median_wait_seconds, r.median_first_response_seconds) if m]
        for r in rows
    ]
    # All time: one seek per agent and figure. A window: one statement per agent, its figures' seeks together.
    assert len(seeks) == (sum(map(len, medians)) if window is None else len([m for m in medians if m]))
    assert all("LIMIT" in sql and "OFFSET" in sql for sql in seeks)
    # Each seek steps through an index in the durations' order from a bucket's lower bound: nothing is sorted.
    assert not [step for step in steps if "TEMP B-TREE" in step]


def _record_statements(database: Database) -> list[str]:
    """Every statement from here on, with its values: SQLAlchemy's, and those run on the DBAPI cursor directly."""
    statements: list[str] = []
    if database.dialect == "postgresql":
        event.listen(database.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        return statements
    database.engine.dispose()
    event.listen(database.engine, "connect", lambda dbapi, _record: dbapi.set_trace_callback(statements.append))
    return statements


@pytest.mark.parametrize("take_whole_day", [True, False], ids=["whole days less the chats outside", "part-days read"])
def test_a_window_cut_inside_its_days_counts_only_its_own_chats_of_those_days(
    database: Database, monkeypatch: pytest.MonkeyPatch, take_whole_day: bool
) -> None:
    # The running buckets give whole days; the chats of the edge days outside the window must not move the median.
    monkeypatch.setattr(running_counts, "take_whole_day", lambda *_: take_whole_day)
    agent = add_user(database, "Edge Agent")
    day = datetime(2024, 5, 6)
    ended = {  # handle_end: handling seconds
        day - timedelta(days=3, hours=-10): 30,
        day - timedelta(days=2, hours=-8): 40,  # the window's first day, before it starts
        day - timedelta(days=2, hours=-14): 50,
        day - timedelta(hours=4): 90,
        day + timedelta(hours=9): 70,
        day + timedelta(hours=15): 10,  # the window's last day, after it ends
        day + timedelta(hours=16): 15,
    }
    for end, seconds in ended.items():
        add_chat(database, user_id=agent, start=end - timedelta(seconds=seconds), seconds=seconds)

    window = TimeWindow(day - timedelta(days=1, hours=12), day + timedelta(hours=12))  # a whole day and two parts
    row = by_name(agent_performance(database.unit_of_work(), window))["Edge Agent"]

    assert (row.chats_handled, row.average_handling_seconds, row.median_handling_seconds) == (3, 70.0, 70.0)
