"""SQLite's seeks to a rank (services.storage.floor_seeks): one small statement each, since SQLite cannot take a LIMIT
from an enclosing row, run on the transaction's own connection without SQLAlchemy's work per statement (a few
microseconds instead of tens, for a thousand seeks), and told which index to use (INDEXED BY), so that a window of
a few days is read through the index on the time and the whole history through the index on the duration.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlalchemy.orm import Session

from services.results import TimeWindow
from services.storage.floor_seeks import COLUMNS
from services.storage.sql_time import WindowBound
from services.storage.value_buckets import Measure


class SqliteSeeker:
    """SQLite's seeks: one small statement each (SQLite cannot take a LIMIT from an enclosing row), run on the
    transaction's own connection without SQLAlchemy's per-statement work, and told which index to use."""

    def __init__(self, session: Session) -> None:
        self._cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        self._statements: dict[tuple[Any, ...], str] = {}
        self._bounds: dict[TimeWindow, list[Any]] = {}  # a thousand seeks of one window convert its bounds once

    def average(
        self,
        measure: Measure,
        window: TimeWindow,
        *,
        skip: int,
        count: int,
        agent: int | None = None,
        lower: float | None = None,
        sort: bool = False,
    ) -> float | None:
        """As seek(), for values."""
        key = (measure, window.start is not None, window.end is not None, agent is not None, lower is not None, sort)
        sql = self._statements.get(key) or self._statements.setdefault(key, _sqlite_seek_sql(*key))
        parameters = [
            *([agent] if agent is not None else []),
            *(self._bounds.get(window) or self._bounds.setdefault(window, self.bounds(window))),
            *([lower] if lower is not None else []),
        ]
        row = self._cursor.execute(sql, (*parameters, count, skip)).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    @staticmethod
    def bounds(window: TimeWindow) -> list[Any]:
        """The window's bounds as SQLite compares them with stored times (services.storage.sql_time.WindowBound)."""
        return [_SQLITE_BOUND.process_bind_param(b, _SQLITE) for b in (window.start, window.end) if b is not None]

    def bucket_averages(
        self, agent: int, window: TimeWindow, asked: list[tuple[Measure, int, int, float | None]]
    ) -> list[float | None]:
        """For one agent, several (measure, skip, count, lower) at once, each a seek from a bucket's lower bound
        (None: from the shortest): one statement, so that an agent's figures cost one call."""
        start, end = window.start is not None, window.end is not None
        key = ("buckets", start, end, tuple((m, lower is not None) for m, _, _, lower in asked))
        sql = self._statements.get(key)
        if sql is None:
            parts = [_sqlite_seek_sql(m, start, end, True, lower is not None, False) for m, _, _, lower in asked]
            sql = self._statements.setdefault(key, "SELECT " + ", ".join(f"({part})" for part in parts))
        bounds = self._bounds.get(window) or self._bounds.setdefault(window, self.bounds(window))
        parameters = [
            value
            for _, skip, count, lower in asked
            for value in (agent, *bounds, *([] if lower is None else [lower]), count, skip)
        ]
        row = self._cursor.execute(sql, parameters).fetchone()
        return [None if value is None else float(value) for value in row]


_SQLITE = SQLiteDialect()
_SQLITE_BOUND = WindowBound()


def _sqlite_seek_sql(measure: Measure, start: bool, end: bool, agent: bool, lower: bool, sort: bool) -> str:
    columns = COLUMNS[measure]
    value, placed = columns.value.key, columns.time.key
    if sort:
        index = columns.agent_by_time if agent else columns.by_time
    else:
        index = columns.agent_by_value if agent else columns.by_value
    conditions = [*(["user_id = ?"] if agent else []), f"{value} IS NOT NULL", f"{placed} IS NOT NULL"]
    conditions += [*([f"{placed} >= ?"] if start else []), *([f"{placed} < ?"] if end else [])]
    conditions += [f"{value} >= ?"] if lower else []
    return (
        f"SELECT avg(seconds) FROM (SELECT {value} AS seconds FROM chats INDEXED BY {index} "
        f"WHERE {' AND '.join(conditions)} ORDER BY {'+' if sort else ''}{value} LIMIT ? OFFSET ?)"
    )
