"""The chat list in the database's order, loaded in keyset pages: canFetchMore/fetchMore ask for the next page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from arthur_desktop.models.record_model import Column, Index, Prepared, RecordTableModel, number_sort, text_sort
from services.formatting import format_duration, name_or_no_value
from services.local_time import display_zone, format_local
from services.results import ChatChanges, ChatCursor, ChatPage, ChatSort, ChatSortKey, ChatStatus, ChatSummary

_STATUS_ORDER = {ChatStatus.WAITING: 0, ChatStatus.IN_PROGRESS: 1, ChatStatus.ENDED: 2}
_STATUS_COLOURS = {ChatStatus.WAITING: "#b45309", ChatStatus.IN_PROGRESS: "#1d4ed8", ChatStatus.ENDED: None}

COLUMNS: tuple[Column[ChatSummary], ...] = (
    Column("ID", lambda c: str(c.chat_id), lambda c: c.chat_id, numeric=True),
    Column("Customer", lambda c: name_or_no_value(c.customer_name), lambda c: text_sort(c.customer_name)),
    Column("Agent", lambda c: name_or_no_value(c.agent_name), lambda c: text_sort(c.agent_name)),
    Column(
        "Status",
        lambda c: c.status.label,
        lambda c: _STATUS_ORDER[c.status],
        colour=lambda c: _STATUS_COLOURS[c.status],
    ),
    Column("Created", lambda c: format_local(c.created, display_zone()), lambda c: _created_sort(c)),
    Column(
        "Handling",
        lambda c: format_duration(c.handling_seconds),
        lambda c: number_sort(c.handling_seconds),
        numeric=True,
    ),
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

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent=parent, key=lambda chat: chat.chat_id)
        self._next_cursor: ChatCursor | None = None
        self._fetching = False
        self._chat_sort: ChatSort | None = None
        self._open: set[int] = set()  # the chats shown that have not ended: the ones that may still change

    @property
    def next_cursor(self) -> ChatCursor | None:
        return self._next_cursor

    @property
    def chat_sort(self) -> ChatSort | None:
        return self._chat_sort

    def open_chats(self) -> dict[int, ChatSummary]:
        """The chats shown that may still change, waiting or in progress (an ended chat is final), by id."""
        return {chat_id: self.row_at(self._position(chat_id)) for chat_id in self._open}

    def chat_at(self, position: int) -> int:
        return self.row_at(position).chat_id

    def set_page(self, page: ChatPage, prepared: Sequence[Prepared[ChatSummary]] | None = None) -> None:
        """Replace every row with the first page (or with as many rows as were loaded before)."""
        self._next_cursor = page.next_cursor
        self._fetching = False
        self.set_rows(page.chats if prepared is None else prepared)
        self._open = {chat.chat_id for chat in page.chats if chat.status is not ChatStatus.ENDED}

    def append_page(self, page: ChatPage, prepared: Sequence[Prepared[ChatSummary]] | None = None) -> None:
        """The next page, after the rows shown (those already shown, e.g. placed by a refresh, are skipped)."""
        self._fetching = False
        self._next_cursor = page.next_cursor
        self.append_rows(page.chats if prepared is None else prepared)
        self._note_open(page.chats)

    def prepare_changes(self, changes: ChatChanges, shown: Mapping[int, ChatSummary]) -> PreparedChanges:
        """The changes with their cells worked out, keeping only the re-read chats that differ from shown
        (open_chats when the refresh began). Reads nothing else of the model: a worker thread may call it."""
        changed = [chat for chat in changes.current if shown.get(chat.chat_id) != chat]
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
        self._open -= changes.gone
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

    def _position(self, chat_id: int) -> int:
        position = self.row_for_key(chat_id)
        assert position is not None, chat_id
        return position

    def _note_open(self, chats: Iterable[ChatSummary]) -> None:
        for chat in chats:
            if chat.status is ChatStatus.ENDED:
                self._open.discard(chat.chat_id)
            elif self.row_for_key(chat.chat_id) is not None:
                self._open.add(chat.chat_id)
