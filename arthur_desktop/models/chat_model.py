"""The chat list in the database's order (the queue: longest waiting first), loaded in keyset pages:
canFetchMore/fetchMore ask for the next page. Each row's cells are worked out once when it arrives, except the
Waited column and the alerts, which are worked out from `now` as the view asks for them: the panel moves `now` on
each second (set_now), so the queue ticks without reading the database again."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QStyle

from arthur_desktop.icons import icon
from arthur_desktop.models.kept_chats import held_states, keep_chat, kept_chat_id, restore_chat
from arthur_desktop.models.record_model import Column, Index, Prepared, RecordTableModel, number_sort, text_sort
from services.clock import utc_now
from services.floor_config import FloorSettings
from services.formatting import format_duration, name_or_no_value
from services.local_time import display_zone, format_local
from services.queue import ChatAlert, chat_alert, waited_seconds
from services.results import (
    ChatChanges,
    ChatCursor,
    ChatPage,
    ChatSort,
    ChatSortKey,
    ChatState,
    ChatStatus,
    ChatSummary,
)

_STATUS_ORDER = {ChatStatus.WAITING: 0, ChatStatus.IN_PROGRESS: 1, ChatStatus.ENDED: 2}
_STATUS_COLOURS = {ChatStatus.WAITING: "#b45309", ChatStatus.IN_PROGRESS: "#1d4ed8", ChatStatus.ENDED: None}
ALERT_COLOUR = "#dc2626"
_NOT_FROM_CLOCK = object()  # ChatModel._clock_data: the prepared cell answers
STATUS_COLUMN, WAITED_COLUMN = 3, 6
_ALERT_TEXT = {ChatAlert.WAITING_PAST_TARGET: "past the target", ChatAlert.LONG_IN_PROGRESS: "running long"}

COLUMNS: tuple[Column[ChatSummary], ...] = (
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
        colour=lambda c: _STATUS_COLOURS[c.status],
    ),
    Column(
        "Created",
        lambda c: format_local(c.created, display_zone()),
        lambda c: _created_sort(c),
        tooltip=lambda c: format_local(c.created, display_zone()),  # whole where the column elides it
    ),
    Column(
        "Handling",
        lambda c: format_duration(c.handling_seconds),
        lambda c: number_sort(c.handling_seconds),
        numeric=True,
    ),
    # Worked out from `now` when asked (ChatModel.data); the list's own order (longest waiting first) sorts it.
    Column("Waited", lambda c: "", lambda c: None, numeric=True),
)


def _created_sort(chat: ChatSummary) -> str | None:
    return None if chat.created is None else chat.created.isoformat()


# What a click on a column's header sorts the list by, in the database (services.chat_order).
SORT_KEYS = {
    "ID": ChatSortKey.CHAT_ID,
    "Customer": ChatSortKey.CUSTOMER_NAME,
    "Agent": ChatSortKey.AGENT_NAME,
    "Status": ChatSortKey.STATUS,
    "Created": ChatSortKey.CREATED,
    "Handling": ChatSortKey.HANDLING_SECONDS,
}
_LONGEST_FIRST = frozenset({"Created", "Handling"})  # a first click shows the newest, the longest


@dataclass(frozen=True)
class PreparedChanges:
    """A refresh's changes ready to show (ChatModel.prepare_changes): changed chats, gone ids, and new chats
    each with the id of the chat it follows (None: first)."""

    changed: Sequence[Prepared[ChatSummary]]
    gone: frozenset[int]
    new: tuple[tuple[int | None, Prepared[ChatSummary]], ...]


class ChatModel(RecordTableModel[ChatSummary]):
    """fetchMore does not block: it emits more_wanted(cursor); whoever loads the page calls append_page.

    sort() does not sort the rows here: it emits sort_wanted(ChatSort or None, the default order), and whoever
    loads the list reads it again in that order from the database, over every matching chat.
    """

    more_wanted = Signal(object)  # the ChatCursor after which the next page starts
    sort_wanted = Signal(object)  # the ChatSort (None: the list's default order)

    def __init__(self, parent: QObject | None = None, *, floor: FloorSettings | None = None) -> None:
        super().__init__(COLUMNS, parent=parent, key=lambda chat: chat.chat_id)
        floor = floor or FloorSettings()
        self._target_seconds = floor.service_level.target_seconds
        self._long_chat_minutes = floor.long_chat_minutes
        self._now = utc_now()
        self._next_cursor: ChatCursor | None = None
        self._fetching = False
        self._chat_sort: ChatSort | None = None
        self._open: dict[int, object] = {}  # the chats shown that have not ended (that may change), each as kept

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
            chat = self.row_at(row)
            if chat.status is not ChatStatus.ENDED and self.alert(chat, before) != self.alert(chat):
                self.dataChanged.emit(self.index(row, STATUS_COLUMN), self.index(row, STATUS_COLUMN))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        column, row = index.column(), index.row()
        if column in (STATUS_COLUMN, WAITED_COLUMN) and index.isValid() and 0 <= row < len(self._rows):
            answer = self._clock_data(self.row_at(row), column, role)
            if answer is not _NOT_FROM_CLOCK:
                return answer
        return super().data(index, role)

    @property
    def chat_sort(self) -> ChatSort | None:
        return self._chat_sort

    def open_chats(self) -> dict[int, object]:
        """The chats shown that may still change, waiting or in progress (an ended chat is final), by id, each
        in the form the model keeps it: prepare_changes compares them, off the GUI thread."""
        return dict(self._open)  # a copy in C: built here, 15,000 open chats held the GUI thread for 9 ms

    def chat_at(self, position: int) -> int:
        return self.row_at(position).chat_id

    def set_page(self, page: ChatPage, prepared: Sequence[Prepared[ChatSummary]] | None = None) -> None:
        """Replace every row with the first page (or with as many rows as were loaded before)."""
        self._next_cursor = page.next_cursor
        self._fetching = False
        self.set_rows(page.chats if prepared is None else prepared)
        self._open = {}
        self._note_open(page.chats)

    def append_page(self, page: ChatPage, prepared: Sequence[Prepared[ChatSummary]] | None = None) -> None:
        """The next page, after the rows shown (those already shown, e.g. placed by a refresh, are skipped)."""
        self._fetching = False
        self._next_cursor = page.next_cursor
        self.append_rows(page.chats if prepared is None else prepared)
        self._note_open(page.chats)

    @staticmethod
    def states(shown: Mapping[int, object]) -> list[ChatState]:
        """What the rows of open_chats hold of their chats, for the database to compare at a refresh. Reads
        nothing of the model: a worker thread may call it."""
        return held_states(cast(Iterable[tuple[Any, ...]], shown.values()))

    def prepare_changes(self, changes: ChatChanges, shown: Mapping[int, object]) -> PreparedChanges:
        """The changes with their cells worked out, keeping only the re-read chats that differ from shown
        (open_chats when the refresh began). Reads nothing else of the model: a worker thread may call it."""
        changed = [chat for chat in changes.current if shown.get(chat.chat_id) != self._keep(chat)]
        new = self.prepare(new.chat for new in changes.new)
        return PreparedChanges(
            self.prepare(changed), changes.gone, tuple(zip((n.after for n in changes.new), new, strict=True))
        )

    def apply_changes(self, changes: PreparedChanges) -> None:
        """A refresh: changed chats in place, chats no longer matching out, new chats each after the chat
        it follows (a new chat after one not loaded yet comes with its page)."""
        self.update_rows(changes.changed)
        self._note_open(item.row for item in changes.changed)
        self.remove_keys(changes.gone)
        for chat_id in changes.gone:
            self._open.pop(chat_id, None)
        waiting = [(after, item) for after, item in changes.new if self.row_for_key(item.row.chat_id) is None]
        while waiting:  # a new chat may follow another new one
            placed = [(a, item) for a, item in waiting if a is None or self.row_for_key(a) is not None]
            for after, item in placed:
                self.insert_rows_after(after, [item])
            self._note_open(item.row for _, item in placed)
            if not placed:
                break
            waiting = [pair for pair in waiting if pair not in placed]

    def fetch_failed(self) -> None:
        self._fetching = False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(COLUMNS[column].header) if 0 <= column < len(COLUMNS) else None
        wanted = None if key is None else ChatSort(key, descending=order == Qt.SortOrder.DescendingOrder)
        if wanted != self._chat_sort:
            self._chat_sort = wanted
            self.sort_wanted.emit(wanted)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.InitialSortOrderRole and orientation == Qt.Orientation.Horizontal:
            header = COLUMNS[section].header if 0 <= section < len(COLUMNS) else None
            return Qt.SortOrder.DescendingOrder if header in _LONGEST_FIRST else Qt.SortOrder.AscendingOrder
        return super().headerData(section, orientation, role)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._next_cursor is not None and not self._fetching

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if self.canFetchMore(parent) and self._next_cursor is not None:
            self._fetching = True
            self.more_wanted.emit(self._next_cursor)

    def _keep(self, row: ChatSummary) -> tuple[object, ...]:
        return keep_chat(row)  # arthur_desktop.models.kept_chats: out of the collector's sight

    def _restore(self, kept: tuple[Any, ...]) -> ChatSummary:
        return restore_chat(kept)

    def _kept_key(self, kept: tuple[Any, ...]) -> int:
        return kept_chat_id(kept)

    def _note_open(self, chats: Iterable[ChatSummary]) -> None:
        for chat in chats:
            position = self.row_for_key(chat.chat_id)
            if chat.status is ChatStatus.ENDED or position is None:
                self._open.pop(chat.chat_id, None)
            else:
                self._open[chat.chat_id] = self._rows[position]

    def _clock_data(self, chat: ChatSummary, column: int, role: int) -> object:
        """The cells that change with the clock: Waited, and the Status cell's alert."""
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._alert_tooltip(chat)
        alert = self.alert(chat)
        alert_coloured = column == STATUS_COLUMN or alert is ChatAlert.WAITING_PAST_TARGET
        if role == Qt.ItemDataRole.ForegroundRole and alert is not None and alert_coloured:
            return self._text_colour(ALERT_COLOUR)
        if column == WAITED_COLUMN:
            if role == Qt.ItemDataRole.DisplayRole:
                return format_duration(self.waited(chat))
            return _NOT_FROM_CLOCK
        if role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._alert_data(chat, role)
        return _NOT_FROM_CLOCK

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
