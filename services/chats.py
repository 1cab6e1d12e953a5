"""Chats: the paged, filterable list, one chat, and a chat's messages in order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Row, Select, String, case, func, literal, select, tuple_, type_coerce

from services.errors import UnknownChat
from services.results import (
    ChatCursor,
    ChatFilter,
    ChatMessage,
    ChatPage,
    ChatStatus,
    ChatSummary,
)
from services.storage.models import Chat, Message, User
from services.storage.search_index import search_condition
from services.storage.unit_of_work import UnitOfWork

DEFAULT_PAGE_SIZE = 200


def list_chats(
    uow: UnitOfWork,
    chat_filter: ChatFilter | None = None,
    *,
    limit: int = DEFAULT_PAGE_SIZE,
    after: ChatCursor | None = None,
) -> ChatPage:
    """Newest first, one page at a time (keyset paging: pass the page's next_cursor as after). The waiting chats
    are the queue: longest waiting (oldest) first.

    Chats another program stored without a created time come after all others, newest id first. They are
    read by a second query only when a page is not full and such chats exist, so that both queries walk
    the index on (created, chat_id) in order on every engine.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    chat_filter = chat_filter or ChatFilter()
    with uow:
        dialect = uow.session.get_bind().dialect.name
        conditions = _filter_conditions(chat_filter, dialect)
        oldest_first = chat_filter.status is ChatStatus.WAITING  # the queue: longest waiting first
        rows: list[Row[Any]] = []
        if after is None or after.created is not None:
            dated = _summary_query().where(Chat.created.is_not(None), *conditions)
            if after is not None:
                dated = dated.where(_beyond(after, dialect, oldest_first=oldest_first))
            order = (Chat.created, Chat.chat_id) if oldest_first else (Chat.created.desc(), Chat.chat_id.desc())
            rows += uow.session.execute(dated.order_by(*order).limit(limit + 1))
        if len(rows) <= limit and _any_undated(uow):
            undated = _summary_query().where(Chat.created.is_(None), *conditions)
            if after is not None and after.created is None:
                undated = undated.where(Chat.chat_id < after.chat_id)
            undated = undated.order_by(Chat.chat_id.desc()).limit(limit + 1 - len(rows))
            rows += uow.session.execute(undated)
    chats = tuple(_summary(row) for row in rows[:limit])
    last = rows[limit - 1] if len(rows) > limit else None
    next_cursor = None if last is None else ChatCursor(last.created, last.chat_id, _stored_text(last.stored_created))
    return ChatPage(chats=chats, next_cursor=next_cursor)


def _beyond(cursor: ChatCursor, dialect: str, *, oldest_first: bool) -> ColumnElement[bool]:
    """Past the cursor in the list's order: older chats, or, in the queue, newer ones."""
    here, there = tuple_(Chat.created, Chat.chat_id), tuple_(cursor.created, cursor.chat_id)
    if dialect == "sqlite" and cursor.stored_created is not None:
        stored = type_coerce(Chat.created, String)  # the same column and index, compared as the text it is
        here, there = tuple_(stored, Chat.chat_id), tuple_(literal(cursor.stored_created, String), cursor.chat_id)
    return here > there if oldest_first else here < there


def _stored_text(value: object) -> str | None:
    return value if isinstance(value, str) else None  # PostgreSQL hands back a datetime: nothing to keep


def _any_undated(uow: UnitOfWork) -> bool:
    """One index probe: whether any chat lacks a created time (only other programs write such rows)."""
    return uow.session.scalar(select(Chat.chat_id).where(Chat.created.is_(None)).limit(1)) is not None


def get_chat(uow: UnitOfWork, chat_id: int) -> ChatSummary:
    with uow:
        row = uow.session.execute(_summary_query().where(Chat.chat_id == chat_id)).one_or_none()
    if row is None:
        raise UnknownChat(chat_id)
    return _summary(row)


def chat_messages(uow: UnitOfWork, chat_id: int) -> tuple[ChatMessage, ...]:
    """The chat's messages by sent_at (none last), ties by message_id."""
    with uow:
        if uow.session.get(Chat, chat_id) is None:
            raise UnknownChat(chat_id)
        messages = uow.session.scalars(messages_in_order(chat_id)).all()
        return tuple(ChatMessage(m.message_id, m.chat_id, m.user_id, m.text, m.sent_at) for m in messages)


def messages_in_order(chat_id: int) -> Select[Message]:
    """A chat's messages by sent_at, ties by message_id: the order of the transcript.

    Messages another program stored without sent_at come last, on every engine.
    """
    return (
        select(Message)
        .where(Message.chat_id == chat_id)
        .order_by(Message.sent_at.asc().nulls_last(), Message.message_id)
    )


def _status_expression() -> ColumnElement[str]:
    return case(
        (Chat.handle_start.is_(None), ChatStatus.WAITING.value),
        (Chat.handle_end.is_(None), ChatStatus.IN_PROGRESS.value),
        else_=ChatStatus.ENDED.value,
    )


def _summary_query() -> Select[*tuple[Any, ...]]:
    message_count = select(func.count()).where(Message.chat_id == Chat.chat_id).correlate(Chat).scalar_subquery()
    return select(
        Chat.chat_id,
        Chat.customer_name,
        Chat.user_id,
        User.name.label("agent_name"),
        _status_expression().label("status"),
        Chat.created,
        type_coerce(Chat.created, String).label("stored_created"),
        Chat.handle_start,
        Chat.handle_end,
        Chat.handling_seconds,
        message_count.label("message_count"),
    ).outerjoin(User, User.user_id == Chat.user_id)


def _filter_conditions(chat_filter: ChatFilter, dialect: str) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if chat_filter.status is ChatStatus.WAITING:
        conditions += [Chat.handle_start.is_(None), Chat.handle_end.is_(None)]
    elif chat_filter.status is ChatStatus.IN_PROGRESS:
        conditions += [Chat.handle_start.is_not(None), Chat.handle_end.is_(None)]
    elif chat_filter.status is ChatStatus.ENDED:
        conditions += [Chat.handle_start.is_not(None), Chat.handle_end.is_not(None)]
    if chat_filter.user_id is not None:
        conditions.append(Chat.user_id == chat_filter.user_id)
    if chat_filter.search and chat_filter.search.strip():
        conditions.append(search_condition(chat_filter.search.strip(), dialect))
    return conditions


def _summary(row: Row[Any]) -> ChatSummary:
    return ChatSummary(
        chat_id=row.chat_id,
        customer_name=row.customer_name,
        user_id=row.user_id,
        agent_name=row.agent_name,
        status=ChatStatus(row.status),
        created=row.created,
        handle_start=row.handle_start,
        handle_end=row.handle_end,
        handling_seconds=None if row.handling_seconds is None else float(row.handling_seconds),
        message_count=row.message_count,
    )
