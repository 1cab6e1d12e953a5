"""Seconds between two timestamps, computed by the database itself on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import GenericFunction


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
