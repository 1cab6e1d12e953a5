"""Chats: the paged, filterable list, one chat, and a chat's messages in order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Row, Select, select

from services.chat_order import Walk, message_count, status_rank
from services.errors import UnknownChat
from services.results import (
    NEWEST_FIRST,
    OLDEST_FIRST,
    ChatCursor,
    ChatFilter,
    ChatMessage,
    ChatPage,
    ChatSort,
    ChatStatus,
    ChatSummary,
)
from services.storage.models import Chat, Message, User
from services.storage.search_index import search_condition
from services.storage.unit_of_work import UnitOfWork

DEFAULT_PAGE_SIZE = 200
_STATUSES = (ChatStatus.WAITING, ChatStatus.IN_PROGRESS, ChatStatus.ENDED)  # by status_rank


def list_chats(
    uow: UnitOfWork,
    chat_filter: ChatFilter | None = None,
    *,
    limit: int = DEFAULT_PAGE_SIZE,
    after: ChatCursor | None = None,
    sort: ChatSort | None = None,
) -> ChatPage:
    """One page of the list in the sort's order over every matching chat (keyset paging: pass the page's
    next_cursor as after, with the same sort). By default newest first; the waiting chats are the queue:
    longest waiting (oldest) first. Chats without the sort's value (another program's rows, no agent, not
    ended) come after all others, in either direction (services.chat_order).
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if after is not None and after.sort != sort:
        raise ValueError("the cursor belongs to another order of the list")
    chat_filter = chat_filter or ChatFilter()
    with uow:
        walk = chat_walk(uow, chat_filter, sort)
        rows = walk.rows(uow.session, after, limit + 1)
    chats = tuple(chat_summary(row) for row in rows[:limit])
    next_cursor = walk.cursor(rows[limit - 1], sort) if len(rows) > limit else None
    return ChatPage(chats=chats, next_cursor=next_cursor)


def chat_walk(uow: UnitOfWork, chat_filter: ChatFilter, sort: ChatSort | None) -> Walk:
    """The list's order (the filter's default when sort is None) over the chats that match the filter."""
    dialect = uow.session.get_bind().dialect.name
    if sort is None:
        sort = OLDEST_FIRST if chat_filter.status is ChatStatus.WAITING else NEWEST_FIRST  # the queue: oldest first
    return Walk(sort, dialect, _summary_query().where(*_filter_conditions(chat_filter, dialect)))


def get_chat(uow: UnitOfWork, chat_id: int) -> ChatSummary:
    with uow:
        row = uow.session.execute(_summary_query().where(Chat.chat_id == chat_id)).one_or_none()
    if row is None:
        raise UnknownChat(chat_id)
    return chat_summary(row)


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


def _summary_query() -> Select[*tuple[Any, ...]]:
    return select(
        Chat.chat_id,
        Chat.customer_name,
        Chat.user_id,
        User.name.label("agent_name"),
        status_rank().label("status_rank"),
        Chat.created,
        Chat.handle_start,
        Chat.handle_end,
        Chat.handling_seconds,
        message_count().label("message_count"),
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


def chat_summary(row: Row[Any]) -> ChatSummary:
    return ChatSummary(
        chat_id=row.chat_id,
        customer_name=row.customer_name,
        user_id=row.user_id,
        agent_name=row.agent_name,
        status=_STATUSES[row.status_rank],
        created=row.created,
        handle_start=row.handle_start,
        handle_end=row.handle_end,
        handling_seconds=None if row.handling_seconds is None else float(row.handling_seconds),
        message_count=row.message_count,
    )
