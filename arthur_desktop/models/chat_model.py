"""The chat list, newest first (the queue: longest waiting first), loaded in keyset pages: canFetchMore/fetchMore
ask for the next page. The Waited column and the alerts are worked out from `now`, which the panel moves on each
second (set_now), so the queue ticks without reading the database again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QStyle

from arthur_desktop.icons import icon
from arthur_desktop.models.record_model import Column, Index, RecordTableModel, number_sort, text_sort
from services.clock import utc_now
from services.floor_config import FloorSettings
from services.formatting import format_duration, name_or_no_value
from services.local_time import display_zone, format_local
from services.queue import ChatAlert, chat_alert, waited_seconds
from services.results import ChatCursor, ChatPage, ChatStatus, ChatSummary

_STATUS_ORDER = {ChatStatus.WAITING: 0, ChatStatus.IN_PROGRESS: 1, ChatStatus.ENDED: 2}
_STATUS_COLOURS = {ChatStatus.WAITING: "#b45309", ChatStatus.IN_PROGRESS: "#1d4ed8", ChatStatus.ENDED: None}
ALERT_COLOUR = "#dc2626"
STATUS_COLUMN, WAITED_COLUMN = 3, 6
_ALERT_TEXT = {ChatAlert.WAITING_PAST_TARGET: "past the target", ChatAlert.LONG_IN_PROGRESS: "running long"}


def _created_sort(chat: ChatSummary) -> str:
    return "" if chat.created is None else chat.created.isoformat()  # no time (another program's row) first


class ChatModel(RecordTableModel[ChatSummary]):
    """fetchMore does not block: it emits more_wanted(cursor); whoever loads the page calls append_page."""

    more_wanted = Signal(object)  # the ChatCursor after which the next page starts

    def __init__(self, parent: QObject | None = None, *, floor: FloorSettings | None = None) -> None:
        super().__init__(self._chat_columns(), parent=parent, key=lambda chat: chat.chat_id)
        floor = floor or FloorSettings()
        self._target_seconds = floor.service_level.target_seconds
        self._long_chat_minutes = floor.long_chat_minutes
        self._now = utc_now()
        self._next_cursor: ChatCursor | None = None
        self._fetching = False

    @property
    def next_cursor(self) -> ChatCursor | None:
        return self._next_cursor

    @property
    def now(self) -> datetime:
        return self._now

    def waited(self, chat: ChatSummary) -> float | None:
        """A waiting chat's wait so far; a picked-up chat's wait until an agent picked it up."""
        if chat.status is ChatStatus.WAITING:
            return waited_seconds(chat.created, self._now)
        if chat.handle_start is None or chat.created is None:
            return None
        return waited_seconds(chat.created, chat.handle_start)

    def alert(self, chat: ChatSummary, now: datetime | None = None) -> ChatAlert | None:
        return chat_alert(chat, now or self._now, self._target_seconds, self._long_chat_minutes)

    def set_now(self, now: datetime, visible_rows: Iterable[int] = ()) -> None:
        """The clock moved on: the Waited cells of these (visible) rows change, and the Status cell of a row
        whose alert began or ended. Rows out of view read the new time when they are painted."""
        before, self._now = self._now, now
        rows = sorted({row for row in visible_rows if 0 <= row < len(self._rows)})
        for first, last in _runs(rows):
            self.dataChanged.emit(self.index(first, WAITED_COLUMN), self.index(last, WAITED_COLUMN))
        for row in rows:
            chat = self._rows[row]
            if chat.status is not ChatStatus.ENDED and self.alert(chat, before) != self.alert(chat):
                self.dataChanged.emit(self.index(row, STATUS_COLUMN), self.index(row, STATUS_COLUMN))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        alert_role = role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.AccessibleTextRole)
        if alert_role and index.isValid() and index.column() == STATUS_COLUMN and 0 <= index.row() < len(self._rows):
            return self._alert_data(self._rows[index.row()], role)
        return super().data(index, role)

    def set_page(self, page: ChatPage) -> None:
        """Replace every row with the first page (or with as many rows as were loaded before)."""
        self._next_cursor = page.next_cursor
        self._fetching = False
        self.set_rows(page.chats)

    def append_page(self, page: ChatPage) -> None:
        self._fetching = False
        self._next_cursor = page.next_cursor
        known = {chat.chat_id for chat in self.rows}
        new_chats = [chat for chat in page.chats if chat.chat_id not in known]
        if not new_chats:
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(new_chats) - 1)
        self._rows = (*self._rows, *new_chats)
        self.endInsertRows()

    def fetch_failed(self) -> None:
        self._fetching = False

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._next_cursor is not None and not self._fetching

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if self.canFetchMore(parent) and self._next_cursor is not None:
            self._fetching = True
            self.more_wanted.emit(self._next_cursor)

    def _chat_columns(self) -> tuple[Column[ChatSummary], ...]:
        return (
            Column("ID", lambda c: str(c.chat_id), lambda c: c.chat_id, numeric=True),
            Column(
                "Customer",
                lambda c: name_or_no_value(c.customer_name),
                lambda c: text_sort(c.customer_name),
                tooltip=lambda c: c.customer_name,  # the whole name where the column elides it
            ),
            Column(
                "Agent",
                lambda c: name_or_no_value(c.agent_name),
                lambda c: text_sort(c.agent_name),
                tooltip=lambda c: c.agent_name,
            ),
            Column(
                "Status",
                lambda c: c.status.label,
                lambda c: _STATUS_ORDER[c.status],
                tooltip=self._alert_tooltip,
                colour=lambda c: ALERT_COLOUR if self.alert(c) else _STATUS_COLOURS[c.status],
            ),
            Column(
                "Created",
                lambda c: format_local(c.created, display_zone()),
                _created_sort,
                tooltip=lambda c: format_local(c.created, display_zone()),  # whole where the column elides it
            ),
            Column(
                "Handling",
                lambda c: format_duration(c.handling_seconds),
                lambda c: number_sort(c.handling_seconds),
                numeric=True,
            ),
            Column(
                "Waited",
                lambda c: format_duration(self.waited(c)),
                lambda c: number_sort(self.waited(c)),
                numeric=True,
                tooltip=self._alert_tooltip,
                colour=lambda c: ALERT_COLOUR if self.alert(c) is ChatAlert.WAITING_PAST_TARGET else None,
            ),
        )

    def _alert_tooltip(self, chat: ChatSummary) -> str | None:
        alert = self.alert(chat)
        if alert is ChatAlert.WAITING_PAST_TARGET:
            waited = format_duration(self.waited(chat))
            return f"Waiting for {waited}: longer than the {self._target_seconds} s service-level target"
        if alert is ChatAlert.LONG_IN_PROGRESS and chat.handle_start is not None:
            running = format_duration((self._now - chat.handle_start).total_seconds())
            return f"In progress for {running}: longer than {self._long_chat_minutes} minutes"
        return None

    def _alert_data(self, chat: ChatSummary, role: int) -> object:
        alert = self.alert(chat)
        if alert is None:
            return chat.status.label if role == Qt.ItemDataRole.AccessibleTextRole else None
        if role == Qt.ItemDataRole.DecorationRole:
            return _alert_icon()
        return f"{chat.status.label}, {_ALERT_TEXT[alert]}"


@cache
def _alert_icon() -> QIcon:
    return icon("alert", QStyle.StandardPixmap.SP_MessageBoxWarning)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
