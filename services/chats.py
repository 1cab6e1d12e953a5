"""Chats: the paged, filterable list, one chat, and a chat's messages in order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Row, Select, case, func, select, tuple_

from services.errors import UnknownChat
from services.models import Chat, Message, User
from services.results import (
    ChatCursor,
    ChatFilter,
    ChatMessage,
    ChatPage,
    ChatStatus,
    ChatSummary,
)
from services.search_index import search_condition
from services.unit_of_work import UnitOfWork

DEFAULT_PAGE_SIZE = 200


def list_chats(
    uow: UnitOfWork,
    chat_filter: ChatFilter | None = None,
    *,
    limit: int = DEFAULT_PAGE_SIZE,
    after: ChatCursor | None = None,
) -> ChatPage:
    """Newest first, one page at a time (keyset paging: pass the page's next_cursor as after). The waiting chats
    are the queue: longest waiting (oldest) first."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    chat_filter = chat_filter or ChatFilter()
    with uow:
        dialect = uow.session.get_bind().dialect.name
        query = _summary_query().where(*_filter_conditions(chat_filter, dialect))
        position, cursor = tuple_(Chat.created, Chat.chat_id), None
        if after is not None:
            cursor = tuple_(after.created, after.chat_id)
        if chat_filter.status is ChatStatus.WAITING:
            query = query.where(position > cursor) if cursor is not None else query
            query = query.order_by(Chat.created, Chat.chat_id).limit(limit + 1)
        else:
            query = query.where(position < cursor) if cursor is not None else query
            query = query.order_by(Chat.created.desc(), Chat.chat_id.desc()).limit(limit + 1)
        rows = uow.session.execute(query).all()
    chats = tuple(_summary(row) for row in rows[:limit])
    next_cursor = ChatCursor(chats[-1].created, chats[-1].chat_id) if len(rows) > limit else None
    return ChatPage(chats=chats, next_cursor=next_cursor)


def get_chat(uow: UnitOfWork, chat_id: int) -> ChatSummary:
    with uow:
        row = uow.session.execute(_summary_query().where(Chat.chat_id == chat_id)).one_or_none()
    if row is None:
        raise UnknownChat(chat_id)
    return _summary(row)


def chat_messages(uow: UnitOfWork, chat_id: int) -> tuple[ChatMessage, ...]:
    """The chat's messages by sent_at, ties by message_id."""
    with uow:
        if uow.session.get(Chat, chat_id) is None:
            raise UnknownChat(chat_id)
        messages = uow.session.scalars(messages_in_order(chat_id)).all()
        return tuple(ChatMessage(m.message_id, m.chat_id, m.user_id, m.text, m.sent_at) for m in messages)


def messages_in_order(chat_id: int) -> Select[Message]:
    """A chat's messages by sent_at, ties by message_id: the order of the transcript."""
    return select(Message).where(Message.chat_id == chat_id).order_by(Message.sent_at, Message.message_id)


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
