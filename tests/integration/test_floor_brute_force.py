"""The live floor's figures equal the same figures worked out from every chat and message (tests/floor_reference.py),
after any writes by another program, for any period: edges inside a day, local days of a zone half an hour off
UTC, and of a zone whose clocks change in the period; on a SQLite file and on PostgreSQL, with each way of
reaching a median (stepping through durations, or sorting a window's few)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, text, update

import floor_reference as reference
from seed_data import add_user
from services import floor_summary
from services.floor_results import ServiceLevelTarget, TrendStep
from services.floor_summary import floor_summary as summary_of
from services.local_time import local_days
from services.performance import agent_performance
from services.results import TimeWindow
from services.storage import running_counts
from services.storage.database import Database
from services.storage.models import Chat, Delivery, Message
from services.storage.running_buckets import rebuild_running_buckets
from services.trends import busiest_times, trends

FIRST_DAY = datetime(2024, 3, 29)  # Friday; Dublin's clocks go forward on Sunday 31 March at 01:00 UTC
NOW = FIRST_DAY + timedelta(days=5)
AGENTS = ("Floor Agent A", "Floor Agent B")
ZONES = {name: ZoneInfo(name) for name in ("Asia/Kolkata", "America/St_Johns", "Europe/Dublin", "UTC")}
DURATION = 0.0011  # seconds: both engines keep durations to the millisecond

# Local midnights of the zones (18:30, 02:30, 23:00 and 00:00 UTC) and moments anywhere in four days.
moments = st.builds(
    lambda day, seconds: FIRST_DAY + timedelta(days=day, seconds=seconds),
    st.integers(0, 3),
    st.one_of(
        st.sampled_from([0, 9_000, 66_600, 82_800, 86_399.999]),
        st.integers(0, 86_399).map(float),
        st.floats(0, 86_399, allow_nan=False).map(lambda s: round(s, 3)),
    ),
)
waits = st.one_of(
    st.none(),
    st.sampled_from([0.0, 30.0, 59.999, 60.0, 60.001, 180.0, -5.0]),
    st.floats(0, 4_000).map(lambda s: round(s, 3)),
)
handlings = st.one_of(st.none(), st.floats(0, 30_000, allow_nan=False).map(lambda s: round(s, 3)))
messages = st.lists(
    st.tuples(st.booleans(), st.floats(-60, 4_000, allow_nan=False).map(lambda s: round(s, 3))), max_size=4
)
chats = st.lists(
    st.tuples(moments, waits, handlings, st.one_of(st.none(), st.integers(0, len(AGENTS) - 1)), messages),
    min_size=1,
    max_size=10,
)
changes = st.lists(
    st.one_of(
        st.tuples(st.just("pick up"), st.integers(0, 30), st.floats(0, 400).map(lambda s: round(s, 3))),
        st.tuples(st.just("end"), st.integers(0, 30), st.floats(0, 900).map(lambda s: round(s, 3))),
        st.tuples(st.just("reassign"), st.integers(0, 30), st.one_of(st.none(), st.integers(0, len(AGENTS) - 1))),
        st.tuples(st.just("delete message"), st.integers(0, 60)),
        st.tuples(st.just("agent wrote"), st.integers(0, 60)),
        st.tuples(st.just("delete chat"), st.integers(0, 30)),
    ),
    max_size=5,
)
drawn_windows = st.builds(TimeWindow, st.one_of(moments, st.none()), st.one_of(moments, st.none())).filter(
    lambda w: not (w.start and w.end and w.start >= w.end)
)
local_periods = st.tuples(st.sampled_from(sorted(ZONES)), st.integers(0, 3), st.integers(1, 3))


@pytest.fixture
def agent_ids(database: Database) -> list[int]:
    return [add_user(database, name) for name in AGENTS]


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    written=chats,
    then=changes,
    window=drawn_windows,
    days=local_periods,
    target=st.sampled_from([30, 60, 180]),
    sort=st.booleans(),
)
def test_every_figure_equals_the_figure_worked_out_from_every_chat(
    database: Database,
    agent_ids: list[int],
    monkeypatch: pytest.MonkeyPatch,
    written: list[tuple[Any, ...]],
    then: list[tuple[Any, ...]],
    window: TimeWindow,
    days: tuple[str, int, int],
    target: int,
    sort: bool,
) -> None:
    # Either way to the summary's medians, whatever the window's size: sort the window's durations, or step
    # through them all; and either way to a part-day at a window's edge in the per-agent figures: read its chats,
    # or take its whole day from the running buckets less the chats outside the window.
    monkeypatch.setattr(floor_summary, "SORT_BELOW_SHARE", 2.0 if sort else 0.0)
    monkeypatch.setattr(running_counts, "take_whole_day", lambda *_: sort)
    _write(database, agent_ids, written, then)
    _assert_running_buckets_equal_a_rebuild(database)
    chats = reference.load_chats(database)
    zone_name, first_day, count = days
    zone = ZONES[zone_name]
    local = local_days(
        FIRST_DAY.date() + timedelta(days=first_day), FIRST_DAY.date() + timedelta(days=first_day + count - 1), zone
    )

    _assert_first_responses_stored(database, chats)
    for period in (TimeWindow(), window, local):
        _assert_summary(database, chats, period, target)
        _assert_agents(database, chats, agent_ids, period)
    _assert_trend(database, chats, zone, first_day, count, target)
    cells = busiest_times(database.unit_of_work(), local, zone)
    assert {(c.weekday, c.hour): c.chats_created for c in cells if c.chats_created} == reference.heatmap(
        chats, local, zone
    )


def _assert_running_buckets_equal_a_rebuild(database: Database) -> None:
    """What the triggers kept, after every kind of write, equals what a rebuild from the chats gives."""
    with database.engine.begin() as connection:
        read = text("SELECT * FROM agent_running_buckets ORDER BY user_id, measure, day")
        kept = connection.execute(read).all()
        rebuild_running_buckets(connection)
        assert connection.execute(read).all() == kept
        connection.rollback()


def _assert_first_responses_stored(database: Database, chats: list[reference.ReferenceChat]) -> None:
    with database.engine.connect() as connection:
        stored = dict(connection.execute(select(Chat.chat_id, Chat.first_response_seconds)).all())
    for chat in chats:
        expected = chat.first_response
        assert stored[chat.chat_id] == (None if expected is None else pytest.approx(expected, abs=DURATION)), chat


def _assert_summary(database: Database, chats: list[reference.ReferenceChat], window: TimeWindow, target: int) -> None:
    found = summary_of(database.unit_of_work(), window, ServiceLevelTarget(target), now=NOW)
    expected = reference.summary(chats, window, target, NOW)
    exact = ("chats_created", "chats_handled", "chats_in_progress", "chats_waiting", "longest_waiting_since")
    assert {key: getattr(found, key) for key in exact} == {key: expected[key] for key in exact}, window
    assert found.service_level_percent == expected["service_level_percent"], window
    for key in set(expected) - set(exact) - {"service_level_percent"}:
        assert getattr(found, key) == _approx(expected[key]), (key, window)


def _assert_agents(
    database: Database, chats: list[reference.ReferenceChat], agent_ids: list[int], window: TimeWindow
) -> None:
    rows = {row.user_id: row for row in agent_performance(database.unit_of_work(), window)}
    for agent in agent_ids:
        expected = reference.agent_figures(chats, agent, window)
        assert rows[agent].chats_handled == expected.pop("chats_handled"), window
        for key, value in expected.items():
            assert getattr(rows[agent], key) == _approx(value), (key, agent, window)


def _assert_trend(
    database: Database, chats: list[reference.ReferenceChat], zone: ZoneInfo, first_day: int, count: int, target: int
) -> None:
    periods = reference.local_day_periods(FIRST_DAY + timedelta(days=first_day), count, zone)
    whole = TimeWindow(periods[0].start, periods[-1].end)
    points = trends(
        database.unit_of_work(), whole, zone, step=TrendStep.DAY, target=ServiceLevelTarget(target), now=NOW
    )
    expected = reference.trend(chats, periods, target, NOW)
    assert len(points) == count
    assert [(p.chats_created, p.chats_handled, p.service_level_percent) for p in points] == [e[:3] for e in expected]
    assert [p.median_handling_seconds for p in points] == [_approx(e[3]) for e in expected]
    hours = trends(
        database.unit_of_work(), periods[0], zone, step=TrendStep.HOUR, target=ServiceLevelTarget(target), now=NOW
    )
    hourly = [
        TimeWindow(
            p.period_start.replace(tzinfo=None) - (p.period_start.utcoffset() or timedelta()),
            p.period_end.replace(tzinfo=None) - (p.period_end.utcoffset() or timedelta()),
        )
        for p in hours
    ]
    assert hourly[0].start == periods[0].start and hourly[-1].end == periods[0].end
    assert [(p.chats_created, p.chats_handled) for p in hours] == [
        e[:2] for e in reference.trend(chats, hourly, target, NOW)
    ]


def _approx(value: float | None) -> Any:
    return None if value is None else pytest.approx(value, abs=DURATION)


def _write(
    database: Database, agent_ids: list[int], written: list[tuple[Any, ...]], then: list[tuple[Any, ...]]
) -> None:
    """As another program would: plain statements, messages in any order, changes after the fact."""
    with database.engine.begin() as connection:
        for table in (Delivery, Message, Chat):
            connection.execute(delete(table))
        for created, wait, handling, agent, said in written:
            start = None if wait is None else created + timedelta(seconds=wait)
            end = None if start is None or handling is None else start + timedelta(seconds=handling)
            chat_id = connection.execute(
                insert(Chat)
                .values(
                    created=created,
                    customer_name="Customer",
                    user_id=None if agent is None or start is None else agent_ids[agent],
                    handle_start=start,
                    handle_end=end,
                )
                .returning(Chat.chat_id)
            ).scalar_one()
            for from_agent, offset in reversed(said):
                author = (
                    agent_ids[agent] if from_agent and agent is not None else (agent_ids[0] if from_agent else None)
                )
                connection.execute(
                    insert(Message).values(
                        chat_id=chat_id, text="…", user_id=author, sent_at=created + timedelta(seconds=offset)
                    )
                )
        for change in then:
            _change(connection, agent_ids, change)


def _change(connection: Any, agent_ids: list[int], change: tuple[Any, ...]) -> None:
    kind, number = change[0], change[1]
    if kind in ("delete message", "agent wrote"):
        ids = list(connection.execute(select(Message.message_id).order_by(Message.message_id)).scalars())
        if not ids:
            return
        message = Message.message_id == ids[number % len(ids)]
        if kind == "delete message":
            connection.execute(delete(Message).where(message))
        else:
            connection.execute(update(Message).where(message).values(user_id=agent_ids[1]))
        return
    ids = list(connection.execute(select(Chat.chat_id).order_by(Chat.chat_id)).scalars())
    if not ids:
        return
    chat = Chat.chat_id == ids[number % len(ids)]
    row = connection.execute(select(Chat.created, Chat.handle_start).where(chat)).one()
    if kind == "pick up":
        connection.execute(
            update(Chat)
            .where(chat)
            .values(handle_start=row.created + timedelta(seconds=change[2]), user_id=agent_ids[0])
        )
    elif kind == "end" and row.handle_start is not None:
        connection.execute(update(Chat).where(chat).values(handle_end=row.handle_start + timedelta(seconds=change[2])))
    elif kind == "reassign":
        connection.execute(update(Chat).where(chat).values(user_id=None if change[2] is None else agent_ids[change[2]]))
    elif kind == "delete chat":
        connection.execute(delete(Message).where(Message.chat_id == ids[number % len(ids)]))
        connection.execute(delete(Chat).where(chat))
