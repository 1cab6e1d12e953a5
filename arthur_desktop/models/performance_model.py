"""Agent performance: one row per agent, durations shown as "5m 00s" and sorted by seconds.

Handled and handling time (Average, Median) count the chats ended in the period; wait and first reply the chats
created in it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt

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
    Column(
        "Wait avg",
        lambda r: format_duration(r.average_wait_seconds),
        lambda r: number_sort(r.average_wait_seconds),
        numeric=True,
    ),
    Column(
        "Wait med",
        lambda r: format_duration(r.median_wait_seconds),
        lambda r: number_sort(r.median_wait_seconds),
        numeric=True,
    ),
    Column(
        "1st reply avg",
        lambda r: format_duration(r.average_first_response_seconds),
        lambda r: number_sort(r.average_first_response_seconds),
        numeric=True,
    ),
    Column(
        "1st reply med",
        lambda r: format_duration(r.median_first_response_seconds),
        lambda r: number_sort(r.median_first_response_seconds),
        numeric=True,
    ),
)

HEADER_TOOLTIPS = {
    "Agent": "The agent",
    "Handled": "Chats the agent ended in the period",
    "In progress": "Chats the agent has picked up and not yet ended, now",
    "Average": "Average handling time (pick-up to end) of the chats ended in the period",
    "Median": "Median handling time (pick-up to end) of the chats ended in the period",
    "Wait avg": "Average wait (creation to pick-up) of the agent's chats created in the period",
    "Wait med": "Median wait (creation to pick-up) of the agent's chats created in the period",
    "1st reply avg": "Average first response (customer's first message to the agent's first answer) of the agent's "
    "chats created in the period",
    "1st reply med": "Median first response (customer's first message to the agent's first answer) of the agent's "
    "chats created in the period",
}
CHOOSE_COLUMNS_HINT = "Right-click a column header to choose the columns."


class PerformanceModel(RecordTableModel[AgentPerformance]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent=parent, key=lambda row: row.user_id)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            header = super().headerData(section, orientation)
            return None if header is None else f"{HEADER_TOOLTIPS[header]}\n{CHOOSE_COLUMNS_HINT}"
        return super().headerData(section, orientation, role)
