"""Benchmark scenarios: each pairs a service call with the best hand-written SQL for the same figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from floor_scenarios import floor_scenarios
from integrations.registry import create_integration
from services.chats import list_chats
from services.clock import utc_now
from services.distribution import handling_time_distribution
from services.end_chat import end_chat
from services.performance import agent_performance
from services.results import ChatFilter, ChatStatus, TimeWindow
from services.storage.database import Database
from services.transcripts import chat_transcript

PAGE = 200

# The fastest single hand-written statement found for the same figures, per engine, reading the chats
# (see the README's Scale section).
_BUSY = """
busy AS (
    SELECT user_id, count(*) AS in_progress FROM chats
    WHERE handle_end IS NULL AND handle_start IS NOT NULL AND user_id IS NOT NULL GROUP BY user_id)
SELECT u.user_id, u.name, coalesce(stats.handled, 0), coalesce(busy.in_progress, 0), stats.average, stats.median
FROM users u LEFT JOIN stats ON stats.user_id = u.user_id LEFT JOIN busy ON busy.user_id = u.user_id
ORDER BY u.user_id
"""
PERFORMANCE_SQL = {
    "postgresql": """
WITH stats AS (
    SELECT {agent} AS user_id, count(*) AS handled, avg(handling_seconds) AS average,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY handling_seconds) AS median
    FROM chats WHERE user_id IS NOT NULL AND handling_seconds IS NOT NULL {window} GROUP BY {agent}),
"""
    + _BUSY,
    "sqlite": """
WITH counts AS (
    SELECT {agent} AS user_id, count(*) AS n, avg(handling_seconds) AS average
    FROM chats WHERE user_id IS NOT NULL AND handling_seconds IS NOT NULL {window} GROUP BY {agent}),
ranked AS (
    SELECT {agent} AS user_id, handling_seconds AS s,
           row_number() OVER (PARTITION BY {agent} ORDER BY handling_seconds) AS p
    FROM chats WHERE user_id IS NOT NULL AND handling_seconds IS NOT NULL {window}),
stats AS (
    SELECT c.user_id, c.n AS handled, c.average, avg(r.s) AS median
    FROM counts c JOIN ranked r ON r.user_id = c.user_id AND r.p IN ((c.n + 1) / 2, (c.n + 2) / 2)
    GROUP BY c.user_id, c.n, c.average),
"""
    + _BUSY,
}
CHAT_PAGE_SQL = """
SELECT c.chat_id, c.customer_name, c.user_id, u.name, c.created, c.handle_start, c.handle_end,
       c.handling_seconds, (SELECT count(*) FROM messages m WHERE m.chat_id = c.chat_id)
FROM chats c LEFT JOIN users u ON u.user_id = c.user_id
{where} ORDER BY c.created DESC, c.chat_id DESC LIMIT {limit}
"""
TRANSCRIPT_SQL = "SELECT sent_at, user_id, text FROM messages WHERE chat_id = :chat_id ORDER BY sent_at, message_id"
FLOOR_SQL = "SELECT user_id, count(*) FROM chats GROUP BY user_id"
# The chart's figures per agent in one statement over the chats (PostgreSQL's ordered-set aggregates; SQLite has none)
CHART_SQL = (
    "SELECT u.user_id, u.name, count(c.handling_seconds), min(c.handling_seconds), "
    "percentile_disc(0.25) WITHIN GROUP (ORDER BY c.handling_seconds), "
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY c.handling_seconds), "
    "percentile_disc(0.75) WITHIN GROUP (ORDER BY c.handling_seconds), "
    "percentile_disc(0.9) WITHIN GROUP (ORDER BY c.handling_seconds), max(c.handling_seconds) "
    "FROM users u LEFT JOIN chats c ON c.user_id = u.user_id AND c.handling_seconds IS NOT NULL {window} "
    "GROUP BY u.user_id, u.name ORDER BY u.name, u.user_id"
)


@dataclass(frozen=True)
class Scenario:
    name: str
    service: Callable[[], Any]
    hand_written: Callable[[], Any] | None
    runs: int = 5


def scenarios(database: Database, out_folder: Path) -> list[Scenario]:
    uow = database.unit_of_work
    month_ago = utc_now() - timedelta(days=30)
    window_sql = "AND handle_end >= :start"
    ended_chat = _last_ended_chat(database)
    folder = create_integration("absolutely_class_airlines", {"output_folder": str(out_folder)}, {})
    ending = iter(_in_progress_chats(database))
    return [
        Scenario(
            "performance, all time",
            lambda: agent_performance(uow()),
            _sql(database, PERFORMANCE_SQL[database.dialect].format(window="", agent="user_id")),
        ),
        Scenario(
            "performance, last 30 days",
            lambda: agent_performance(uow(), TimeWindow(month_ago)),
            _sql(
                database,
                PERFORMANCE_SQL[database.dialect].format(window=window_sql, agent="user_id + 0"),
                start=month_ago,
            ),
        ),
        # The stretch goal's yardstick: the same service call against one index pass over every chat.
        Scenario("performance, all time ÷ floor (COUNT)", lambda: agent_performance(uow()), _sql(database, FLOOR_SQL)),
        Scenario(
            "handling-time chart, all time",
            lambda: handling_time_distribution(uow()),
            _sql(database, CHART_SQL.format(window="")) if database.dialect == "postgresql" else None,
        ),
        Scenario(
            "handling-time chart, last 30 days",
            lambda: handling_time_distribution(uow(), TimeWindow(month_ago)),
            _sql(database, CHART_SQL.format(window="AND c.handle_end >= :start"), start=month_ago)
            if database.dialect == "postgresql"
            else None,
        ),
        Scenario("chat list, first page", lambda: list_chats(uow(), limit=PAGE), _sql(database, _page_sql(""))),
        Scenario(
            "chat list, in progress",
            lambda: list_chats(uow(), ChatFilter(status=ChatStatus.IN_PROGRESS), limit=PAGE),
            _sql(database, _page_sql("WHERE c.handle_start IS NOT NULL AND c.handle_end IS NULL")),
        ),
        Scenario(
            "chat list, one agent",
            lambda: list_chats(uow(), ChatFilter(user_id=7), limit=PAGE),
            _sql(database, _page_sql("WHERE c.user_id = 7")),
        ),
        Scenario(
            "chat list, search 'murphy'",
            lambda: list_chats(uow(), ChatFilter(search="murphy"), limit=PAGE),
            _sql(database, _page_sql("WHERE lower(c.customer_name) LIKE '%murphy%' OR lower(u.name) LIKE '%murphy%'")),
        ),
        Scenario(
            "chat list, search with no match",
            lambda: list_chats(uow(), ChatFilter(search="zzqx"), limit=PAGE),
            _sql(database, _page_sql("WHERE lower(c.customer_name) LIKE '%zzqx%' OR lower(u.name) LIKE '%zzqx%'")),
        ),
        Scenario(
            "transcript of one chat",
            lambda: chat_transcript(ended_chat, uow(), folder),
            _sql(database, TRANSCRIPT_SQL, chat_id=ended_chat),
        ),
        *floor_scenarios(database, Scenario),
        Scenario("end chat, folder client", lambda: end_chat(next(ending), uow(), folder), None),
    ]


def _page_sql(where: str) -> str:
    return CHAT_PAGE_SQL.format(where=where, limit=PAGE)


def _sql(database: Database, sql: str, **params: Any) -> Callable[[], Any]:
    statement = text(sql)

    def run() -> Any:
        with database.engine.connect() as connection:
            return connection.execute(statement, params).all()

    return run


def _last_ended_chat(database: Database) -> int:
    with database.engine.connect() as connection:
        ended = connection.execute(text("SELECT max(chat_id) FROM chats WHERE handle_end IS NOT NULL")).scalar()
    return int(ended or 0)


def _in_progress_chats(database: Database) -> list[int]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT chat_id FROM chats WHERE handle_start IS NOT NULL AND handle_end IS NULL LIMIT 100")
        )
        return [row[0] for row in rows]
