"""Agent performance: one row per agent, durations shown as "5m 00s" and sorted by seconds."""

from __future__ import annotations

from PySide6.QtCore import QObject

from arthur_desktop.models.record_model import Column, RecordTableModel, number_sort, text_sort
from services.formatting import format_duration, name_or_no_value
from services.results import AgentPerformance

COLUMNS: tuple[Column[AgentPerformance], ...] = (
    Column("Agent", lambda r: name_or_no_value(r.name), lambda r: text_sort(r.name)),
    Column("Handled", lambda r: str(r.chats_handled), lambda r: r.chats_handled, numeric=True),
    Column("In progress", lambda r: str(r.chats_in_progress), lambda r: r.chats_in_progress, numeric=True),
    Column(
        "Average",
        lambda r: format_duration(r.average_handling_seconds),
        lambda r: number_sort(r.average_handling_seconds),
        numeric=True,
    ),
    Column(
        "Median",
        lambda r: format_duration(r.median_handling_seconds),
        lambda r: number_sort(r.median_handling_seconds),
        numeric=True,
    ),
)


class PerformanceModel(RecordTableModel[AgentPerformance]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent=parent, key=lambda row: row.user_id)
