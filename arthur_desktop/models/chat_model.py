"""The chat list, newest first, loaded in keyset pages: canFetchMore/fetchMore ask for the next page."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Signal

from arthur_desktop.models.record_model import Column, Index, RecordTableModel, number_sort, text_sort
from services.formatting import format_duration, name_or_no_value
from services.local_time import display_zone, format_local
from services.results import ChatCursor, ChatPage, ChatStatus, ChatSummary

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


def _created_sort(chat: ChatSummary) -> str:
    return "" if chat.created is None else chat.created.isoformat()  # no time (another program's row) first


class ChatModel(RecordTableModel[ChatSummary]):
    """fetchMore does not block: it emits more_wanted(cursor); whoever loads the page calls append_page."""

    more_wanted = Signal(object)  # the ChatCursor after which the next page starts

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent=parent, key=lambda chat: chat.chat_id)
        self._next_cursor: ChatCursor | None = None
        self._fetching = False

    @property
    def next_cursor(self) -> ChatCursor | None:
        return self._next_cursor

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
