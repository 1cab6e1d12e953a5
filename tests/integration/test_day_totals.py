"""The per-agent day totals stay equal to the chats, whoever writes them, and the figures read from them
equal the figures computed from every chat, for any time window (SQLite file and PostgreSQL)."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, delete, insert, select, text, update
from test_schema_upgrade import write_arthur_database

from administration import made_by_a_version_before_the_revisions, upgraded_by_its_administrator
from seed_data import add_user
from services.database import open_database
from services.distribution import AgentDistribution, handling_time_distribution
from services.performance import agent_performance
from services.results import AgentPerformance, TimeWindow
from services.storage.database import Database
from services.storage.models import AgentDayTotal, Chat, Delivery, Message

FIRST_DAY = datetime(2024, 3, 1)
AGENTS = ("Day Agent A", "Day Agent B", "Day Agent C")

# Moments on four days, many of them exactly at midnight, where a window's whole days meet its edges.
moments = st.builds(
    lambda day, seconds: FIRST_DAY + timedelta(days=day, seconds=seconds),
    st.integers(0, 3),
    st.one_of(st.just(0), st.integers(0, 86_399), st.floats(0, 86_399, allow_nan=False).map(lambda s: round(s, 3))),
)
durations = st.one_of(st.floats(0, 86_400, allow_nan=False).map(lambda s: round(s, 3)), st.none())
agents = st.one_of(st.sampled_from(range(len(AGENTS))), st.none())
inserts = st.lists(
    st.tuples(st.just("insert"), agents, st.one_of(st.none(), moments), durations), min_size=1, max_size=12
)
changes = st.lists(
    st.one_of(
        st.tuples(st.just("end"), st.integers(0, 50), durations),
        st.tuples(st.just("reopen"), st.integers(0, 50)),
        st.tuples(st.just("reassign"), st.integers(0, 50), agents),
        st.tuples(st.just("delete"), st.integers(0, 50)),
    ),
    max_size=6,
)
operations = st.builds(lambda first, then: first + then, inserts, changes)
windows = st.builds(TimeWindow, st.one_of(moments, st.none()), st.one_of(moments, st.none())).filter(
    lambda w: not (w.start and w.end and w.start >= w.end)
)

# All time, and windows with part-days at one edge, both edges, or inside one day, next to the drawn ones.
PART_DAY_WINDOWS = [
    TimeWindow(),
    TimeWindow(FIRST_DAY + timedelta(hours=12), FIRST_DAY + timedelta(days=2, hours=6)),
    TimeWindow(FIRST_DAY + timedelta(days=1, hours=7), None),
    TimeWindow(None, FIRST_DAY + timedelta(days=2, hours=18)),
    TimeWindow(FIRST_DAY + timedelta(days=1, hours=3), FIRST_DAY + timedelta(days=1, hours=21)),
    TimeWindow(FIRST_DAY + timedelta(days=1), FIRST_DAY + timedelta(days=3)),
]


@pytest.fixture
def agent_ids(database: Database) -> list[int]:
    return [add_user(database, name) for name in AGENTS]


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations, drawn=st.lists(windows, min_size=3, max_size=3))
def test_totals_and_figures_equal_the_chats_after_any_changes(
    database: Database, agent_ids: list[int], steps: list[tuple[Any, ...]], drawn: list[TimeWindow]
) -> None:
    _clear_chats(database)
    for step in steps:
        _apply(database, agent_ids, step)

    chats = _chats(database)
    assert _stored_totals(database) == _totals_from(chats)
    for window in [*drawn, *PART_DAY_WINDOWS]:
        figures = {row.user_id: row for row in agent_performance(database.unit_of_work(), window)}
        spreads = {row.user_id: row for row in handling_time_distribution(database.unit_of_work(), window)}
        for agent in agent_ids:
            own = [c for c in chats if c["user_id"] == agent]
            _assert_figures_match(figures[agent], own, window)
            _assert_distribution_matches(spreads[agent], own, window)


def test_ending_a_chat_through_arthur_adds_it_to_its_day(database: Database) -> None:
    (agent,) = [add_user(database, "Ending Agent")]
    with database.engine.begin() as connection:
        start = datetime(2024, 5, 2, 23, 59)
        connection.execute(insert(Chat).values(created=start, customer_name="Zed", user_id=agent, handle_start=start))
        connection.execute(update(Chat).where(Chat.user_id == agent).values(handle_end=start + timedelta(minutes=2)))

    assert _stored_totals(database)[(agent, date(2024, 5, 3))] == (1, 120_000)


def test_a_database_made_before_the_day_totals_gets_them_built_from_its_chats(bare_database_url: str) -> None:
    write_arthur_database(bare_database_url)  # Ann handled chat 1 in 10 minutes; Bob's chat 2 is in progress
    made_by_a_version_before_the_revisions(bare_database_url, "0002_outbox_and_search")
    engine = create_engine(bare_database_url)
    with engine.begin() as connection:  # that version ended Bob's chat, with no totals to keep
        connection.execute(text("UPDATE chats SET handle_end = '2024-01-01 10:05:30' WHERE chat_id = 2"))
    engine.dispose()
    upgraded_by_its_administrator(bare_database_url)

    reopened = open_database(bare_database_url)
    try:
        assert _stored_totals(reopened) == {(1, date(2024, 1, 1)): (1, 600_000), (2, date(2024, 1, 1)): (1, 300_000)}
    finally:
        reopened.dispose()


@pytest.mark.postgres
def test_truncating_the_chats_on_postgresql_empties_the_totals(postgres_database: Database) -> None:
    with postgres_database.engine.begin() as connection:
        connection.execute(text("TRUNCATE chats CASCADE"))

    assert _stored_totals(postgres_database) == {}


def _apply(database: Database, agent_ids: list[int], step: tuple[Any, ...]) -> None:
    kind = step[0]
    with database.engine.begin() as connection:
        if kind == "insert":
            _, agent, start, seconds = step
            end = None if start is None or seconds is None else start + timedelta(seconds=seconds)
            connection.execute(
                insert(Chat).values(
                    created=FIRST_DAY,
                    customer_name="Customer",
                    user_id=None if agent is None else agent_ids[agent],
                    handle_start=start,
                    handle_end=end,
                )
            )
            return
        chat_ids = list(connection.execute(select(Chat.chat_id).order_by(Chat.chat_id)).scalars())
        if not chat_ids:
            return
        chat = Chat.chat_id == chat_ids[step[1] % len(chat_ids)]
        if kind == "end":
            started = connection.execute(select(Chat.handle_start).where(chat)).scalar()
            seconds = step[2] or 0.0
            connection.execute(update(Chat).where(chat).values(handle_end=_end_after(started, seconds)))
        elif kind == "reopen":
            connection.execute(update(Chat).where(chat).values(handle_end=None))
        elif kind == "reassign":
            connection.execute(update(Chat).where(chat).values(user_id=None if step[2] is None else agent_ids[step[2]]))
        else:
            connection.execute(delete(Chat).where(chat))


def _end_after(started: datetime | None, seconds: float) -> datetime:
    return (started or FIRST_DAY) + timedelta(seconds=seconds)


def _clear_chats(database: Database) -> None:
    with database.engine.begin() as connection:
        for table in (Delivery, Message, Chat):
            connection.execute(delete(table))


def _chats(database: Database) -> list[dict[str, Any]]:
    """The chats with their durations worked out here from start and end, after checking that the database's own
    generated column holds the same: the figures are then compared with durations the database did not make."""
    columns = (Chat.user_id, Chat.handle_start, Chat.handle_end, Chat.handling_seconds)
    with database.engine.connect() as connection:
        chats = [dict(row._mapping) for row in connection.execute(select(*columns))]
    for chat in chats:
        start, end = chat["handle_start"], chat["handle_end"]
        seconds = None if start is None or end is None else (end - start).total_seconds()
        assert chat["handling_seconds"] == (None if seconds is None else pytest.approx(seconds, abs=1e-6)), chat
        chat["handling_seconds"] = seconds
    return chats


def _stored_totals(database: Database) -> dict[tuple[int, date], tuple[int, int]]:
    with database.engine.connect() as connection:
        rows = connection.execute(select(AgentDayTotal)).all()
    return {(r.user_id, r.day): (r.chats_handled, r.handling_ms) for r in rows}


def _totals_from(chats: list[dict[str, Any]]) -> dict[tuple[int, date], tuple[int, int]]:
    counts: Counter[tuple[int, date]] = Counter()
    milliseconds: Counter[tuple[int, date]] = Counter()
    for chat in chats:
        if chat["user_id"] is not None and chat["handling_seconds"] is not None:
            key = (chat["user_id"], chat["handle_end"].date())
            counts[key] += 1
            milliseconds[key] += round(chat["handling_seconds"] * 1000)
    return {key: (counts[key], milliseconds[key]) for key in counts}


def _assert_figures_match(row: AgentPerformance, chats: list[dict[str, Any]], window: TimeWindow) -> None:
    seconds = [c["handling_seconds"] for c in chats if c["handling_seconds"] is not None and _inside(c, window)]
    in_progress = [c for c in chats if c["handle_start"] is not None and c["handle_end"] is None]
    assert (row.chats_handled, row.chats_in_progress) == (len(seconds), len(in_progress))
    if not seconds:
        assert (row.average_handling_seconds, row.median_handling_seconds) == (None, None)
        return
    assert row.average_handling_seconds == pytest.approx(statistics.fmean(seconds), abs=0.0011)
    assert row.median_handling_seconds == pytest.approx(statistics.median(seconds), abs=0.0011)


def _assert_distribution_matches(row: AgentDistribution, chats: list[dict[str, Any]], window: TimeWindow) -> None:
    seconds = sorted(c["handling_seconds"] for c in chats if c["handling_seconds"] is not None and _inside(c, window))
    figures = (
        row.minimum_seconds,
        row.lower_quartile_seconds,
        row.median_seconds,
        row.upper_quartile_seconds,
        row.p90_seconds,
        row.maximum_seconds,
    )
    if not seconds:
        assert (row.chats_handled, *figures) == (0, *[None] * 6)
        return

    def nearest_rank(share: Fraction) -> float:
        return float(seconds[math.ceil(share * len(seconds)) - 1])

    quartiles = (nearest_rank(Fraction(1, 4)), statistics.median(seconds), nearest_rank(Fraction(3, 4)))
    expected = (seconds[0], *quartiles, nearest_rank(Fraction(9, 10)))
    assert row.chats_handled == len(seconds)
    assert figures == pytest.approx((*expected, seconds[-1]), abs=0.0011)


def _inside(chat: dict[str, Any], window: TimeWindow) -> bool:
    end = chat["handle_end"]
    return (window.start is None or end >= window.start) and (window.end is None or end < window.end)
