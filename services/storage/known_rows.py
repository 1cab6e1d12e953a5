"""Rows the application holds, handed to the database as a table in one go, for it to compare with its own.

The rows travel as one JSON text (json_array_elements on PostgreSQL, json_each on SQLite): thousands of rows are
one parameter, not thousands, no statement text grows with them, and turning them into text is json's C code
(psycopg's array parameters are quoted element by element in Python: 50 ms for 15,000 rows).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, ColumnElement, FromClause, bindparam, cast, func, literal_column, select
from sqlalchemy.sql.type_api import TypeEngine


def known_rows(
    dialect: str, columns: Sequence[tuple[str, TypeEngine[Any]]], rows: Sequence[Sequence[object]]
) -> FromClause:
    """A table with these named, typed columns holding these rows (plain values: numbers, text, None)."""
    rows_text = json.dumps(list(rows), separators=(",", ":"))  # a tuple is written as an array
    cells: list[ColumnElement[Any]]
    if dialect == "postgresql":
        each = func.json_array_elements(cast(bindparam(None, rows_text), JSON)).table_valued("value")
        cells = [each.c.value.op("->>")(literal_column(str(at))) for at in range(len(columns))]
    else:
        each = func.json_each(bindparam(None, rows_text)).table_valued("value")
        cells = [func.json_extract(each.c.value, f"$[{at}]") for at in range(len(columns))]
    values = (cast(cell, kind).label(name) for cell, (name, kind) in zip(cells, columns, strict=True))
    return select(*values).select_from(each).subquery()
