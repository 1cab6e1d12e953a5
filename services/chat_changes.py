"""A refresh by difference of a chat list already loaded: what changed, not the whole list again.

The chats a list shows that have not ended are read again by id (an ended chat does not change); the chats
added since the list was read are those with a higher id than the highest one then (ids only grow), each
placed after the chat that comes right before it in the list's order.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Row, func, select

from services.chats import DEFAULT_PAGE_SIZE, chat_summary, chat_walk
from services.results import ChatChanges, ChatFilter, ChatSort, NewChat
from services.storage.models import Chat
from services.storage.unit_of_work import UnitOfWork, begin_now

_IDS_PER_QUERY = 500  # within every engine's limit on parameters


def newest_chat_id(uow: UnitOfWork) -> int | None:
    """The highest chat id: read it before the list, and the chats added after are those above it."""
    with uow:
        return uow.session.scalar(select(func.max(Chat.chat_id)))


def chat_changes(
    uow: UnitOfWork,
    chat_filter: ChatFilter | None,
    sort: ChatSort | None,
    *,
    newer_than: int | None,
    reread: Collection[int],
    limit: int = DEFAULT_PAGE_SIZE,
) -> ChatChanges:
    """The chats added after newer_than (None: there were none) that match the filter, at most limit, each
    with the chat it follows in the sort's order, and the chats in reread as they are now; all of one moment."""
    chat_filter = chat_filter or ChatFilter()
    with uow:
        session = uow.session
        begin_now(session.connection())  # every read sees the same moment
        walk = chat_walk(uow, chat_filter, sort)
        newest = session.scalar(select(func.max(Chat.chat_id)))
        query = walk.with_values().order_by(Chat.chat_id).limit(limit + 1)
        if newer_than is not None:
            query = query.where(Chat.chat_id > newer_than)
        added = list(session.execute(query))
        new = []
        for row in added[:limit]:
            before = walk.rows(session, walk.cursor(row, sort), 1, backwards=True)
            new.append(NewChat(chat_summary(row), before[0].chat_id if before else None))
        current: list[Row[Any]] = []
        ids = sorted(set(reread))
        for start in range(0, len(ids), _IDS_PER_QUERY):
            current += session.execute(walk.base.where(Chat.chat_id.in_(ids[start : start + _IDS_PER_QUERY])))
    found = {row.chat_id for row in current}
    return ChatChanges(
        new=tuple(new),
        current=tuple(chat_summary(row) for row in current),
        gone=frozenset(ids) - found,
        newest_id=newest,
        complete=len(added) <= limit,
    )
