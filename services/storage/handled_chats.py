"""Handled chats in a time window: the condition on chats, and per-agent totals read mostly from the
day totals (whole UTC days inside the window) plus the chats of the part-days at its edges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    cast,
    func,
    literal,
    select,
    union_all,
)

from services.errors import InvalidTimeWindow
from services.results import TimeWindow
from services.storage.models import AgentDayTotal, Chat
from services.storage.sql_time import WindowBound

# Whole milliseconds: handling_seconds is rounded to them, so sums of these are exact.
HANDLING_MS = cast(func.round(Chat.handling_seconds * 1000), BigInteger)


def checked_window(window: TimeWindow | None) -> TimeWindow:
    """The window to use (all time when None), in naive UTC; refuses one that ends before it starts."""
    window = TimeWindow(*map(_naive_utc, (window.start, window.end))) if window else TimeWindow()
    if window.start and window.end and window.start >= window.end:
        raise InvalidTimeWindow("The start of the time window must come before its end.")
    return window


def handled_in(window: TimeWindow) -> ColumnElement[bool]:
    # handling_seconds is stored exactly when a chat has both handle_start and handle_end.
    conditions: list[ColumnElement[bool]] = [Chat.user_id.is_not(None), Chat.handling_seconds.is_not(None)]
    if window.start is not None:
        conditions.append(Chat.handle_end >= literal(window.start, WindowBound()))
    if window.end is not None:
        conditions.append(Chat.handle_end < literal(window.end, WindowBound()))
    return and_(*conditions)


@dataclass(frozen=True)
class WindowParts:
    """A time window as whole UTC days [first_day, end_day) read from the totals (None: open on that side,
    no_days: there are none), and the part-days at its edges read from the chats."""

    first_day: date | None
    end_day: date | None
    no_days: bool
    edges: tuple[TimeWindow, ...]


def split_window(window: TimeWindow) -> WindowParts:
    try:
        first_day = None if window.start is None else _day_on_or_after(window.start)
    except OverflowError:  # a start after 9999-12-31 00:00: no whole day follows it, all is one edge
        return WindowParts(None, None, True, (window,))
    end_day = None if window.end is None else window.end.date()
    if first_day is not None and end_day is not None and first_day >= end_day:
        return WindowParts(None, None, True, (window,))
    edges = []
    if window.start is not None and first_day is not None and window.start < _midnight(first_day):
        edges.append(TimeWindow(window.start, _midnight(first_day)))
    if window.end is not None and end_day is not None and window.end > _midnight(end_day):
        edges.append(TimeWindow(_midnight(end_day), window.end))
    return WindowParts(first_day, end_day, False, tuple(edges))


def handled_totals(window: TimeWindow) -> Subquery:
    """user_id, chats_handled, handling_ms of every agent with handled chats in the window."""
    parts = split_window(window)
    pieces = [_edge_totals(edge) for edge in parts.edges]
    if not parts.no_days:
        days = select(AgentDayTotal.user_id, AgentDayTotal.chats_handled, AgentDayTotal.handling_ms)
        if parts.first_day is not None:
            days = days.where(AgentDayTotal.day >= parts.first_day)
        if parts.end_day is not None:
            days = days.where(AgentDayTotal.day < parts.end_day)
        pieces.append(days)
    rows = union_all(*pieces).subquery("pieces") if len(pieces) > 1 else pieces[0].subquery("pieces")
    return (
        select(
            rows.c.user_id,
            cast(func.sum(rows.c.chats_handled), Integer).label("chats_handled"),
            func.sum(rows.c.handling_ms).label("handling_ms"),
        )
        .group_by(rows.c.user_id)
        .subquery("totals")
    )


def _edge_totals(edge: TimeWindow) -> Select[*tuple[Any, ...]]:
    return (
        select(Chat.user_id, func.count().label("chats_handled"), func.sum(HANDLING_MS).label("handling_ms"))
        .where(handled_in(edge))
        .group_by(Chat.user_id)
    )


def _naive_utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _day_on_or_after(moment: datetime) -> date:
    day = moment.date()
    return day if moment == _midnight(day) else day + timedelta(days=1)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())
