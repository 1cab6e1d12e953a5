"""Time arithmetic done by the database itself, the same on SQLite and PostgreSQL: seconds between two
timestamps, and the UTC day of a timestamp."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Date, DateTime, Dialect, Float, String, TypeDecorator
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.sql.type_api import TypeEngine


class seconds_between(GenericFunction[float]):  # noqa: N801 - reads as a SQL function
    """seconds_between(start, end): end - start in seconds, rounded to milliseconds on every engine.

    SQLite's julianday() carries about 50 microseconds of floating error, so both engines round to
    milliseconds to give identical figures.
    """

    type = Float()
    inherit_cache = True
    name = "seconds_between"

    def __init__(
        self,
        start: ColumnElement[Any] | QueryableAttribute[Any],
        end: ColumnElement[Any] | QueryableAttribute[Any],
    ) -> None:
        super().__init__(start, end)


@compiles(seconds_between, "sqlite")
def _sqlite_seconds_between(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"round((julianday({end}) - julianday({start})) * 86400.0, 3)"


@compiles(seconds_between, "postgresql")
def _postgresql_seconds_between(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(round(EXTRACT(EPOCH FROM ({end} - {start})), 3) AS DOUBLE PRECISION)"


class utc_day(GenericFunction[date]):  # noqa: N801 - reads as a SQL function
    """utc_day(timestamp): the calendar day of a naive UTC timestamp, as the engine's own date."""

    type = Date()
    inherit_cache = True
    name = "utc_day"

    def __init__(self, timestamp: ColumnElement[Any] | QueryableAttribute[Any]) -> None:
        super().__init__(timestamp)


@compiles(utc_day, "sqlite")
def _sqlite_utc_day(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy stores a SQLite Date as 'YYYY-MM-DD', which is what date() gives.
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_day, "postgresql")
def _postgresql_utc_day(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


class WindowBound(TypeDecorator[datetime]):
    """A time-window bound compared with a stored naive UTC timestamp.

    SQLite stores timestamps as text, and other programs may write shorter forms than SQLAlchemy's
    ('2024-01-02 00:00:00', '2024-01-02 00:00:00.000'), which sort before '2024-01-02 00:00:00.000000'.
    A bound at midnight is therefore given as the bare day, '2024-01-02', which sorts after every form of
    the day before and before every form of that day: the same split as date() in the day totals.
    """

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(String() if dialect.name == "sqlite" else DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        if value.time() == time():
            return value.date().isoformat()
        # Likewise a whole second ('… 23:00:00' sorts before '… 23:00:00.000000'), e.g. a local midnight in UTC.
        return value.isoformat(sep=" ", timespec="seconds" if value.microsecond == 0 else "microseconds")
