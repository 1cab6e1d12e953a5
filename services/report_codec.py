"""Reports as JSON text and back, for the reports desktops share (services.shared_reports).

The text comes from the database, where any program with the rights may have written it, so decoding checks every
value against the field's type and refuses anything else (ReportUnreadable): a desktop then works the report out
itself rather than show a wrong type.
"""

from __future__ import annotations

import json
import types
from dataclasses import fields, is_dataclass
from datetime import datetime
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

Report = TypeVar("Report")


class ReportUnreadable(ValueError):
    """The kept text is not a report of this shape."""


def encode_rows(rows: list[Any] | list[object]) -> str:
    names = _names(type(rows[0])) if rows else ()
    return json.dumps([[_plain(getattr(row, name)) for name in names] for row in rows])


def decode_rows(text: str, cls: type[Report]) -> list[Report]:
    values = _loads(text)
    if not isinstance(values, list):
        raise ReportUnreadable("not a list of rows")
    kinds = _kinds(cls)
    return [_row(cls, kinds, row) for row in values]


def encode_one(row: object) -> str:
    return encode_rows([row])


def decode_one(text: str, cls: type[Report]) -> Report:
    rows = decode_rows(text, cls)
    if len(rows) != 1:
        raise ReportUnreadable("not one row")
    return rows[0]


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError) as exc:
        raise ReportUnreadable("not JSON") from exc


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _row(cls: type[Report], kinds: tuple[tuple[type, ...], ...], values: Any) -> Report:
    if not isinstance(values, list) or len(values) != len(kinds):
        raise ReportUnreadable(f"a row is not {len(kinds)} values")
    return cls(*(_value(value, allowed) for value, allowed in zip(values, kinds, strict=True)))


def _value(value: Any, allowed: tuple[type, ...]) -> Any:
    if value is None and type(None) in allowed:
        return None
    if datetime in allowed and isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError as exc:
            raise ReportUnreadable("not a time") from exc
    if isinstance(value, bool):  # JSON's true is no count
        raise ReportUnreadable("a true or false where a value belongs")
    if float in allowed and isinstance(value, int | float):
        return float(value)
    if any(kind is not datetime and isinstance(value, kind) for kind in allowed):
        return value
    raise ReportUnreadable(f"{type(value).__name__} where {', '.join(k.__name__ for k in allowed)} belongs")


def _names(cls: Any) -> tuple[str, ...]:
    return tuple(field.name for field in fields(cls))


def _kinds(cls: Any) -> tuple[tuple[type, ...], ...]:
    """Per field, the types its value may have (int, float, str, datetime, None)."""
    if not is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    hints = get_type_hints(cls)
    return tuple(_allowed(hints[name]) for name in _names(cls))


def _allowed(hint: Any) -> tuple[type, ...]:
    if get_origin(hint) in (Union, types.UnionType):
        return tuple(kind for arg in get_args(hint) for kind in _allowed(arg))
    if hint is None or hint is type(None):
        return (type(None),)
    if hint in (int, float, str, datetime):
        return (hint,)
    raise TypeError(f"a report field of type {hint!r} cannot be shared")
