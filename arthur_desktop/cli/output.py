"""Printing results as an aligned table, JSON or CSV."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from enum import Enum
from typing import Any

from services.csv_format import csv_text
from services.local_time import iso_local, local_zone


def plain_record(result: Any, zone: tzinfo | None = None) -> dict[str, Any]:
    """A frozen result as a JSON-ready dict: times in ISO 8601 with their UTC offset, in zone (the computer's
    when None); enums as their value."""
    zone = zone or local_zone()
    return {key: _plain_value(value, zone) for key, value in dataclasses.asdict(result).items()}


def render_json(records: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> str:
    return json.dumps(records, indent=2, ensure_ascii=False)


def render_csv(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """RFC 4180 and formula-safe, every line ending in CRLF (services.csv_format, as the window's exports)."""
    return csv_text([list(columns), *([record.get(column) for column in columns] for record in records)])


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    """Columns padded to their widest cell; numeric columns right-aligned."""
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        padded = (
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def _plain_value(value: Any, zone: tzinfo) -> Any:
    if isinstance(value, datetime):
        return iso_local(value, zone)
    if isinstance(value, Enum):
        return value.value
    return value
