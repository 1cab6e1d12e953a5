"""Benchmark scenarios of the live floor: each service call against the fastest hand-written SQL found for the same
figures, on the same database, in the same run. Periods are local days of a zone half an hour off UTC, so that
every day's edges fall inside UTC days (the costlier case for the day totals)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from services.chats import list_chats
from services.clock import utc_now
from services.floor_results import ServiceLevelTarget
from services.floor_summary import floor_summary
from services.local_time import last_days, local_days
from services.performance import agent_performance
from services.results import ChatFilter, ChatStatus
from services.storage.database import Database
from services.trends import busiest_times, trends

ZONE = ZoneInfo("Asia/Kolkata")
TARGET = ServiceLevelTarget(60, 80)
PAGE = 200

_MEASURES = {
    "h": ("handling_seconds", "handle_end"),
    "w": ("wait_seconds", "created"),
    "f": ("first_response_seconds", "created"),
}


def _postgres_agents(window: bool) -> str:
    parts = []
    for name, (value, time) in _MEASURES.items():
        period = f"AND {time} >= :start AND {time} < :end" if window else ""
        parts.append(
            f"{name} AS (SELECT user_id, count(*) AS n, avg({value}) AS a, "
            f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {value}) AS m FROM chats "
            f"WHERE user_id IS NOT NULL AND {value} IS NOT NULL {period} GROUP BY user_id)"
        )
    return _agents_select(parts)


def _sqlite_agents(window: bool) -> str:
    parts = []
    for name, (value, time) in _MEASURES.items():
        period = f"AND {time} >= :start AND {time} < :end" if window else ""
        parts.append(
            f"{name}_ranked AS (SELECT user_id, {value} AS s, "
            f"row_number() OVER (PARTITION BY user_id ORDER BY {value}) AS p, "
            "count(*) OVER (PARTITION BY user_id) AS n "
            f"FROM chats WHERE user_id IS NOT NULL AND {value} IS NOT NULL {period}), "
            f"{name} AS (SELECT user_id, max(n) AS n, avg(CASE WHEN p IN ((n + 1) / 2, (n + 2) / 2) THEN s END) AS m, "
            f"avg(s) AS a FROM {name}_ranked GROUP BY user_id)"
        )
    return _agents_select(parts)


def _agents_select(parts: list[str]) -> str:
    busy = (
        "busy AS (SELECT user_id, count(*) AS n FROM chats "
        "WHERE handle_start IS NOT NULL AND handle_end IS NULL AND user_id IS NOT NULL GROUP BY user_id)"
    )
    return (
        f"WITH {', '.join(parts)}, {busy} SELECT u.user_id, u.name, coalesce(h.n, 0), coalesce(busy.n, 0), "
        "h.a, h.m, w.a, w.m, f.a, f.m FROM users u LEFT JOIN h ON h.user_id = u.user_id "
        "LEFT JOIN w ON w.user_id = u.user_id LEFT JOIN f ON f.user_id = u.user_id "
        "LEFT JOIN busy ON busy.user_id = u.user_id ORDER BY u.user_id"
    )


_POSTGRES_SUMMARY = """
SELECT
  (SELECT count(*) FROM chats WHERE created >= :start AND created < :end),
  (SELECT count(*) FROM chats WHERE handling_seconds IS NOT NULL AND handle_end >= :start AND handle_end < :end),
  (SELECT count(*) FROM chats WHERE handle_start IS NOT NULL AND handle_end IS NULL),
  (SELECT count(*) FROM chats WHERE handle_start IS NULL AND handle_end IS NULL),
  (SELECT min(created) FROM chats WHERE handle_start IS NULL AND handle_end IS NULL),
  w.*, f.*, h.*,
  (SELECT count(*) FROM chats WHERE handle_start IS NULL AND handle_end IS NULL AND created >= :start
     AND created < :end AND created < :late)
FROM (SELECT count(*), count(*) FILTER (WHERE wait_seconds <= :target), avg(wait_seconds),
             percentile_cont(0.5) WITHIN GROUP (ORDER BY wait_seconds)
      FROM chats WHERE wait_seconds IS NOT NULL AND created >= :start AND created < :end) w,
     (SELECT avg(first_response_seconds), percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_seconds)
      FROM chats WHERE first_response_seconds IS NOT NULL AND created >= :start AND created < :end) f,
     (SELECT avg(handling_seconds), percentile_cont(0.5) WITHIN GROUP (ORDER BY handling_seconds)
      FROM chats WHERE handling_seconds IS NOT NULL AND handle_end >= :start AND handle_end < :end) h
"""
_SQLITE_MEDIAN = (
    "(SELECT avg(s) FROM (SELECT {value} AS s FROM chats WHERE {value} IS NOT NULL AND {time} >= :start "
    "AND {time} < :end ORDER BY {value} LIMIT 2 - (SELECT count(*) FROM chats WHERE {value} IS NOT NULL AND "
    "{time} >= :start AND {time} < :end) % 2 OFFSET ((SELECT count(*) FROM chats WHERE {value} IS NOT NULL AND "
    "{time} >= :start AND {time} < :end) - 1) / 2))"
)
_SQLITE_SUMMARY = (
    "SELECT (SELECT count(*) FROM chats WHERE created >= :start AND created < :end), "
    "(SELECT count(*) FROM chats WHERE handling_seconds IS NOT NULL AND handle_end >= :start AND handle_end < :end), "
    "(SELECT count(*) FROM chats WHERE handle_start IS NOT NULL AND handle_end IS NULL), "
    "(SELECT count(*) FROM chats WHERE handle_start IS NULL AND handle_end IS NULL), "
    "(SELECT min(created) FROM chats WHERE handle_start IS NULL AND handle_end IS NULL), "
    "(SELECT count(*) FROM chats WHERE handle_start IS NULL AND handle_end IS NULL AND created >= :start "
    "AND created < :end AND created < :late), "
    "(SELECT count(*) || ' ' || sum(wait_seconds <= :target) FROM chats WHERE wait_seconds IS NOT NULL "
    "AND created >= :start AND created < :end), "
    + ", ".join(
        f"(SELECT avg({value}) FROM chats WHERE {value} IS NOT NULL AND {time} >= :start AND {time} < :end), "
        + _SQLITE_MEDIAN.format(value=value, time=time)
        for value, time in _MEASURES.values()
    )
)

_POSTGRES_TREND = """
WITH days AS (SELECT d::date AS day, (d AT TIME ZONE :zone) AT TIME ZONE 'UTC' AS s,
                     ((d + interval '1 day') AT TIME ZONE :zone) AT TIME ZONE 'UTC' AS e
              FROM generate_series(CAST(:first AS timestamp), CAST(:last AS timestamp), interval '1 day') AS d)
SELECT days.day,
  (SELECT count(*) FROM chats WHERE created >= days.s AND created < days.e),
  (SELECT count(*) FROM chats WHERE handling_seconds IS NOT NULL AND handle_end >= days.s AND handle_end < days.e),
  (SELECT count(*) FILTER (WHERE wait_seconds <= :target) * 100.0 / nullif(count(*), 0) FROM chats
     WHERE wait_seconds IS NOT NULL AND created >= days.s AND created < days.e),
  (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY handling_seconds) FROM chats
     WHERE handling_seconds IS NOT NULL AND handle_end >= days.s AND handle_end < days.e)
FROM days ORDER BY days.day
"""
_POSTGRES_HEATMAP = """
SELECT extract(isodow FROM (created AT TIME ZONE 'UTC') AT TIME ZONE :zone) AS weekday,
       extract(hour FROM (created AT TIME ZONE 'UTC') AT TIME ZONE :zone) AS hour, count(*)
FROM chats GROUP BY 1, 2
"""
# SQLite has no time zones: the hand-written heatmap shifts by the zone's offset (right for a zone without
# daylight saving, as this one), which is the least work a query can do.
_SQLITE_HEATMAP = (
    "SELECT strftime('%w', created, '+330 minutes'), strftime('%H', created, '+330 minutes'), count(*) "
    "FROM chats GROUP BY 1, 2"
)


def _sqlite_trend(first_day: Any, target: int) -> str:
    """Local days as a VALUES list of UTC bounds (SQLite has no time zones), each day's figures read from chats."""
    days = []
    for n in range(30):
        day = first_day + timedelta(days=n)
        bounds = local_days(day, day, ZONE)
        days.append(f"('{day}', '{bounds.start:%Y-%m-%d %H:%M:%S}', '{bounds.end:%Y-%m-%d %H:%M:%S}')")
    return (
        f"WITH days(day, s, e) AS (VALUES {', '.join(days)}), "
        "ranked AS (SELECT d.day, c.handling_seconds AS h, row_number() OVER (PARTITION BY d.day ORDER BY "
        "c.handling_seconds) AS p, count(*) OVER (PARTITION BY d.day) AS n FROM days d JOIN chats c "
        "ON c.handle_end >= d.s AND c.handle_end < d.e WHERE c.handling_seconds IS NOT NULL), "
        "medians AS (SELECT day, avg(h) AS m, max(n) AS n FROM ranked "
        "WHERE p IN ((n + 1) / 2, (n + 2) / 2) GROUP BY day) "
        "SELECT days.day, (SELECT count(*) FROM chats WHERE created >= days.s AND created < days.e), medians.n, "
        f"(SELECT sum(wait_seconds <= {target}) * 100.0 / count(*) FROM chats WHERE wait_seconds IS NOT NULL "
        "AND created >= days.s AND created < days.e), medians.m "
        "FROM days LEFT JOIN medians ON medians.day = days.day ORDER BY days.day"
    )


_QUEUE = (
    "SELECT c.chat_id, c.customer_name, c.user_id, u.name, c.created, c.handle_start, c.handle_end, c.handling_seconds,"
    " (SELECT count(*) FROM messages m WHERE m.chat_id = c.chat_id) FROM chats c LEFT JOIN users u ON u.user_id = "
    "c.user_id WHERE c.handle_start IS NULL AND c.handle_end IS NULL ORDER BY c.created, c.chat_id LIMIT 201"
)


def floor_scenarios(database: Database, scenario: Callable[..., Any]) -> list[Any]:
    """scenario(name, service, hand_written) builds one benchmark scenario."""
    uow = database.unit_of_work
    month = last_days(30, ZONE)
    now = utc_now()
    bounds = {"start": month.start, "end": month.end}
    always = {"start": datetime(1970, 1, 1), "end": datetime(9999, 1, 1)}
    postgres = database.dialect == "postgresql"
    agents = _postgres_agents if postgres else _sqlite_agents
    summary = _POSTGRES_SUMMARY if postgres else _SQLITE_SUMMARY
    figures = {"target": TARGET.target_seconds, "late": now - timedelta(seconds=TARGET.target_seconds)}
    assert month.start is not None
    first_day = (month.start + timedelta(hours=6)).date()
    return [
        scenario("wider performance table, all time", lambda: agent_performance(uow()), _sql(database, agents(False))),
        scenario(
            "wider performance table, last 30 days",
            lambda: agent_performance(uow(), month),
            _sql(database, agents(True), **bounds),
        ),
        scenario(
            "summary strip, all time",
            lambda: floor_summary(uow(), None, TARGET),
            _sql(database, summary, **always, **figures),
        ),
        scenario(
            "summary strip, last 30 days",
            lambda: floor_summary(uow(), month, TARGET),
            _sql(database, summary, **bounds, **figures),
        ),
        scenario(
            "queue: waiting chats, longest first",
            lambda: list_chats(uow(), ChatFilter(status=ChatStatus.WAITING), limit=PAGE),
            _sql(database, _QUEUE),
        ),
        scenario(
            "trend, last 30 days by day",
            lambda: trends(uow(), month, ZONE, target=TARGET),
            _sql(
                database,
                _POSTGRES_TREND,
                zone=ZONE.key,
                first=first_day,
                last=first_day + timedelta(days=29),
                target=60,
            )
            if postgres
            else _sql(database, _sqlite_trend(first_day, 60)),
        ),
        scenario(
            "busiest times (weekday x hour), all time",
            lambda: busiest_times(uow(), None, ZONE),
            _sql(database, _POSTGRES_HEATMAP, zone=ZONE.key) if postgres else _sql(database, _SQLITE_HEATMAP),
        ),
    ]


def _sql(database: Database, sql: str, **params: Any) -> Callable[[], Any]:
    statement = text(sql)

    def run() -> Any:
        with database.engine.connect() as connection:
            return connection.execute(statement, params).all()

    return run
