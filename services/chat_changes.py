"""A refresh by difference of a chat list already loaded: what changed, not the whole list again.

The chats a list shows that have not ended are compared by the database with what the list holds of them
(services.results.ChatState), and only those that differ are read again (an ended chat does not change); the
chats added since the list was read are those with a higher id than the highest one then (ids only grow), each
placed after the chat that comes right before it in the list's order.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import BigInteger, Integer, Row, Text, func, or_, select
from sqlalchemy.orm import Session

from services.chat_order import message_count, status_rank
from services.chats import DEFAULT_PAGE_SIZE, chat_summary, chat_walk
from services.results import ChatChanges, ChatFilter, ChatSort, ChatState, ChatStatus, NewChat
from services.storage.known_rows import known_rows
from services.storage.models import Chat, User
from services.storage.unit_of_work import UnitOfWork, begin_now

_IDS_PER_QUERY = 500  # within every engine's limit on parameters
_RANKS = {ChatStatus.WAITING: 0, ChatStatus.IN_PROGRESS: 1, ChatStatus.ENDED: 2}  # services.chat_order.status_rank
_STATE_COLUMNS = (
    ("chat_id", BigInteger()),
    ("status_rank", Integer()),
    ("user_id", BigInteger()),
    ("message_count", BigInteger()),
    ("customer_name", Text()),
    ("agent_name", Text()),
)


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
    known: Collection[ChatState],
    limit: int = DEFAULT_PAGE_SIZE,
) -> ChatChanges:
    """The chats added after newer_than (None: there were none) that match the filter, at most limit, each
    with the chat it follows in the sort's order, and the known chats that changed, as they are now; all of one
    moment. A change to a chat's times alone (its status the same) waits for the list to be read again."""
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
        changed = _changed_ids(session, list(known)) if known else []
        current: list[Row[Any]] = []
        for start in range(0, len(changed), _IDS_PER_QUERY):
            current += session.execute(walk.base.where(Chat.chat_id.in_(changed[start : start + _IDS_PER_QUERY])))
    found = {row.chat_id for row in current}
    return ChatChanges(
        new=tuple(new),
        current=tuple(chat_summary(row) for row in current),
        gone=frozenset(changed) - found,
        newest_id=newest,
        complete=len(added) <= limit,
    )


def chats_by_id(
    uow: UnitOfWork, chat_filter: ChatFilter | None, sort: ChatSort | None, chat_ids: Collection[int]
) -> ChatChanges:
    """The chats a notice named (services.storage.change_feed), as the list shows them now: current, those that
    match its filter; gone, the others. No new chats: the list's next refresh by difference reads those."""
    ids = sorted(set(chat_ids))
    with uow:
        session = uow.session
        walk = chat_walk(uow, chat_filter or ChatFilter(), sort)
        current: list[Row[Any]] = []
        for start in range(0, len(ids), _IDS_PER_QUERY):
            current += session.execute(walk.base.where(Chat.chat_id.in_(ids[start : start + _IDS_PER_QUERY])))
    found = {row.chat_id for row in current}
    return ChatChanges(
        new=(),
        current=tuple(chat_summary(row) for row in current),
        gone=frozenset(ids) - found,
        newest_id=None,
        complete=True,
    )


def _changed_ids(session: Session, known: Sequence[ChatState]) -> list[int]:
    """The known chats whose status, agent, message count or names now differ, or that are no longer stored:
    compared by the database, so that a list holding 15,000 open chats costs Python only the changed ones."""
    dialect = session.get_bind().dialect.name
    rows = [(s.chat_id, _RANKS[s.status], s.user_id, s.message_count, s.customer_name, s.agent_name) for s in known]
    held = known_rows(dialect, _STATE_COLUMNS, rows)
    differs = or_(
        Chat.chat_id.is_(None),
        status_rank().is_distinct_from(held.c.status_rank),
        Chat.user_id.is_distinct_from(held.c.user_id),
        message_count().is_distinct_from(held.c.message_count),
        Chat.customer_name.is_distinct_from(held.c.customer_name),
        User.name.is_distinct_from(held.c.agent_name),
    )
    query = (
        select(held.c.chat_id)
        .select_from(held.outerjoin(Chat, Chat.chat_id == held.c.chat_id).outerjoin(User, User.user_id == Chat.user_id))
        .where(differs)
    )
    return sorted(session.scalars(query))
