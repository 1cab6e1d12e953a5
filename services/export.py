"""CSV exports of the window's tables: the columns the window shows, with numbers as numbers.

Counts and ids are integers, durations are seconds (the header says "(s)"), timestamps are ISO 8601 in the
computer's time zone with their UTC offset, and a missing value is an empty field; the file is RFC 4180 and
formula-safe (services.csv_format). Each export streams into a hidden file beside the target and renames it at the
end, so a failed export never leaves a half-written file under the chosen name.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from services.chats import list_chats
from services.csv_format import CsvRowWriter, csv_writer
from services.errors import ArthurError
from services.local_time import display_zone, iso_local
from services.performance import agent_performance
from services.results import AgentPerformance, ChatFilter, ChatSummary, TimeWindow
from services.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

PERFORMANCE_HEADERS = (
    "Agent",
    "Handled",
    "In progress",
    "Average (s)",
    "Median (s)",
    "Wait avg (s)",
    "Wait med (s)",
    "1st reply avg (s)",
    "1st reply med (s)",
)
CHAT_HEADERS = ("ID", "Customer", "Agent", "Status", "Created", "Handling (s)")
EXPORT_PAGE_SIZE = 2_000
_DECIMALS = 3


class ExportFailed(ArthurError):
    pass


def export_performance_csv(uow: UnitOfWork, window: TimeWindow | None, path: Path) -> int:
    """Write one row per agent, as in the performance table; returns the number of agents written."""
    rows = agent_performance(uow, window)
    with _atomic_csv(path) as writer:
        writer.writerow(list(PERFORMANCE_HEADERS))
        for row in rows:
            writer.writerow(performance_row(row))
    return len(rows)


def export_chats_csv(
    unit_of_work_factory: Callable[[], UnitOfWork],
    chat_filter: ChatFilter,
    path: Path,
    *,
    page_size: int = EXPORT_PAGE_SIZE,
) -> int:
    """Write every chat the filter matches, newest first, one keyset page in memory at a time."""
    written = 0
    with _atomic_csv(path) as writer:
        writer.writerow(list(CHAT_HEADERS))
        page = list_chats(unit_of_work_factory(), chat_filter, limit=page_size)
        while True:
            for chat in page.chats:
                writer.writerow(chat_row(chat))
            written += len(page.chats)
            if page.next_cursor is None:
                return written
            page = list_chats(unit_of_work_factory(), chat_filter, limit=page_size, after=page.next_cursor)


def performance_row(row: AgentPerformance) -> list[Any]:
    return [
        row.name,
        row.chats_handled,
        row.chats_in_progress,
        seconds_value(row.average_handling_seconds),
        seconds_value(row.median_handling_seconds),
        seconds_value(row.average_wait_seconds),
        seconds_value(row.median_wait_seconds),
        seconds_value(row.average_first_response_seconds),
        seconds_value(row.median_first_response_seconds),
    ]


def chat_row(chat: ChatSummary) -> list[Any]:
    return [
        chat.chat_id,
        chat.customer_name,
        chat.agent_name,
        chat.status.label,
        iso_timestamp(chat.created),
        seconds_value(chat.handling_seconds),
    ]


def seconds_value(seconds: float | None) -> int | float | str:
    """300.0 -> 300, 390.5 -> 390.5; no value -> an empty field, never 0."""
    if seconds is None:
        return ""
    rounded = round(float(seconds), _DECIMALS)
    return int(rounded) if rounded.is_integer() else rounded


def iso_timestamp(value: datetime | None) -> str:
    """The database keeps naive UTC times; the file gives them in local time with the offset, unambiguous. No time
    (written by another program): empty."""
    return "" if value is None else iso_local(value, display_zone())


@contextmanager
def _atomic_csv(path: Path) -> Iterator[CsvRowWriter]:
    # Created beside the target (same file system, so the rename is atomic) with the user's umask.
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        file = partial.open("x", encoding="utf-8", newline="")
    except OSError as exc:
        raise ExportFailed(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    try:
        with file:
            yield csv_writer(file)
        partial.replace(path)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportFailed(f"Cannot write {path}: {exc.strerror or exc}.") from exc
        raise
    log.info("Exported %s", path)
