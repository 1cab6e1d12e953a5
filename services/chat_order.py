"""The chat list's orders: what each sort key reads, and keyset walks through the list in that order.

An order is ORDER BY value, chat_id (both ascending or both descending) with the chats without a value after
all others, by chat_id in the same direction, on every engine. It is read in stretches, each in the order of an
index where one exists (value, chat_id): the chats with a value, then, only when a page is not full yet, the
chats without one (by status: each status in turn). A walk can also run backwards from a chat, to find the
chat that comes right before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    String,
    and_,
    case,
    func,
    literal,
    literal_column,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import QueryableAttribute, Session

from services.results import ChatCursor, ChatSort, ChatSortKey
from services.storage.models import Chat, Message, User

# Sort keys that no row lacks: their walks have no stretch of missing values.
_NEVER_MISSING = frozenset({ChatSortKey.CHAT_ID, ChatSortKey.STATUS, ChatSortKey.MESSAGE_COUNT})
# Times: on SQLite compared as the text they are stored as (see ChatCursor).
_TIMES = frozenset({ChatSortKey.CREATED, ChatSortKey.HANDLE_START, ChatSortKey.HANDLE_END})


def status_rank() -> ColumnElement[int]:
    """0 waiting, 1 in progress, 2 ended. Literal numbers, not parameters, so that an index on it can serve."""
    return case(
        (Chat.handle_start.is_(None), literal_column("0")),
        (Chat.handle_end.is_(None), literal_column("1")),
        else_=literal_column("2"),
    )


def message_count() -> ColumnElement[int]:
    return select(func.count()).where(Message.chat_id == Chat.chat_id).correlate(Chat).scalar_subquery()


def sort_expression(key: ChatSortKey) -> ColumnElement[Any]:
    """The value a sort key orders by, in a query over chats outer-joined to their agent (users)."""
    expressions: dict[ChatSortKey, QueryableAttribute[Any]] = {
        ChatSortKey.CHAT_ID: Chat.chat_id,
        ChatSortKey.CUSTOMER_NAME: Chat.customer_name,
        ChatSortKey.USER_ID: Chat.user_id,
        ChatSortKey.AGENT_NAME: User.name,
        ChatSortKey.CREATED: Chat.created,
        ChatSortKey.HANDLE_START: Chat.handle_start,
        ChatSortKey.HANDLE_END: Chat.handle_end,
        ChatSortKey.HANDLING_SECONDS: Chat.handling_seconds,
    }
    if key is ChatSortKey.STATUS:
        return status_rank()
    if key is ChatSortKey.MESSAGE_COUNT:
        return message_count()
    return expressions[key].expression


@dataclass(frozen=True)
class Walk:
    """One walk through the list: its order, the engine, and the query (with filters) it reads rows with."""

    sort: ChatSort
    dialect: str
    base: Select[Any]

    @property
    def value(self) -> ColumnElement[Any]:
        return sort_expression(self.sort.key)

    def rows(
        self, session: Session, after: ChatCursor | None, count: int, *, backwards: bool = False
    ) -> list[Row[Any]]:
        """Up to count rows past the cursor (from the start if None), forwards or backwards, in walking order."""
        parts = self._parts()
        if backwards:
            parts.reverse()
        if after is not None:
            parts = parts[[part.holds for part in parts].index(self._part_holding(after)) :]
        descending = self.sort.descending != backwards
        rows: list[Row[Any]] = []
        for number, part in enumerate(parts):
            query = self._part_query(part, after if number == 0 else None, descending)
            rows += session.execute(query.limit(count - len(rows)))
            if len(rows) >= count:
                break
        return rows

    def cursor(self, row: Row[Any], sort: ChatSort | None) -> ChatCursor:
        """Where a walk continues after this row (a row of rows() or of position())."""
        stored = row.sort_text if isinstance(row.sort_text, str) else None
        return ChatCursor(row.sort_value, row.chat_id, stored, sort)

    def position(self, session: Session, chat_id: int) -> Row[Any] | None:
        """The chat's sort value (whatever the filter), or None when there is no such chat."""
        query = select(Chat.chat_id, *self._value_columns()).outerjoin(User, User.user_id == Chat.user_id)
        return session.execute(query.where(Chat.chat_id == chat_id)).one_or_none()

    def with_values(self) -> Select[Any]:
        return self.base.add_columns(*self._value_columns())

    def _value_columns(self) -> tuple[ColumnElement[Any], ...]:
        stored = self._stored(self.value) if self._compares_stored_text() else literal(None, String)
        return self.value.label("sort_value"), stored.label("sort_text")

    def _parts(self) -> list[_Part]:
        """The stretches of the list, in its order: the chats with a value, by value, then those without one.
        By status, each status on its own by chat_id: the few waiting and in-progress chats are read through
        their partial indexes, the ended ones in the table's own order, as an index on the status would."""
        if self.sort.key is ChatSortKey.STATUS:
            statuses = [
                _Part(0, Chat.handle_start.is_(None), by_value=False),
                _Part(1, and_(Chat.handle_start.is_not(None), Chat.handle_end.is_(None)), by_value=False),
                _Part(2, and_(Chat.handle_start.is_not(None), Chat.handle_end.is_not(None)), by_value=False),
            ]
            return statuses[::-1] if self.sort.descending else statuses
        parts = [_Part("values", self.value.is_not(None), by_value=True)]
        if self.sort.key not in _NEVER_MISSING:
            parts.append(_Part("missing", self.value.is_(None), by_value=False))
        return parts

    def _part_holding(self, cursor: ChatCursor) -> object:
        if self.sort.key is ChatSortKey.STATUS:
            return cursor.value
        return "missing" if cursor.value is None else "values"

    def _part_query(self, part: _Part, cursor: ChatCursor | None, descending: bool) -> Select[Any]:
        query = self.with_values().where(part.chats)
        if cursor is not None:
            query = query.where(self._beyond(cursor, descending) if part.by_value else _beyond_id(cursor, descending))
        if not part.by_value:
            return query.order_by(Chat.chat_id.desc() if descending else Chat.chat_id.asc())
        value = self.value
        return query.order_by(*((value.desc(), Chat.chat_id.desc()) if descending else (value, Chat.chat_id)))

    def _beyond(self, cursor: ChatCursor, descending: bool) -> ColumnElement[bool]:
        here, there = tuple_(self.value, Chat.chat_id), tuple_(cursor.value, cursor.chat_id)
        if self._compares_stored_text() and cursor.stored_value is not None:
            stored = literal(cursor.stored_value, String)
            here, there = tuple_(self._stored(self.value), Chat.chat_id), tuple_(stored, cursor.chat_id)
        return here < there if descending else here > there

    def _compares_stored_text(self) -> bool:
        return self.dialect == "sqlite" and self.sort.key in _TIMES

    @staticmethod
    def _stored(value: ColumnElement[Any]) -> ColumnElement[str]:
        return type_coerce(value, String)  # the same column and index, compared as the text it is


@dataclass(frozen=True)
class _Part:
    holds: object  # what a cursor in this stretch says of it: "values", "missing", or a status rank
    chats: ColumnElement[bool]
    by_value: bool  # ordered by value then chat_id, else by chat_id alone


def _beyond_id(cursor: ChatCursor, descending: bool) -> ColumnElement[bool]:
    return Chat.chat_id < cursor.chat_id if descending else Chat.chat_id > cursor.chat_id
