"""Ending a chat: close it and record its transcript delivery in one transaction, then deliver."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from integrations.base import TranscriptIntegration
from services.clock import utc_now
from services.deliveries import deliver
from services.delivery_claims import CLAIM_LEASE
from services.errors import ArthurError, ChatAlreadyEnded, ChatStartsLater, DeliveryInFlight
from services.process_claims import this_process
from services.results import DeliveryStatus, EndChatResult
from services.storage.change_feed import notify_change
from services.storage.models import Chat, Delivery
from services.storage.unit_of_work import UnitOfWork
from services.transcripts import chat_transcript, started_chat

__all__ = ["chat_transcript", "close_chat_and_enqueue", "end_chat"]

log = logging.getLogger(__name__)

_END_CHAT_STATUS = {DeliveryStatus.DELIVERED: "delivered", DeliveryStatus.NEEDS_ATTENTION: "needs-attention"}


def end_chat(
    chat_id: int,
    uow: UnitOfWork,
    integration: TranscriptIntegration,
    *,
    clock: Callable[[], datetime] = utc_now,
) -> EndChatResult:
    """End a chat in progress and deliver its transcript; a failed delivery stays queued for a retry."""
    ended_at, holder = clock(), this_process()
    delivery_id = close_chat_and_enqueue(chat_id, uow, integration.client, ended_at, claimed_by=holder.claim_id)
    try:
        record = deliver(delivery_id, uow, integration, clock=clock, holder=holder, claimed_chat_id=chat_id)
    except ArthurError as exc:
        # The chat has ended and its delivery is recorded: say it is queued, never that it was refused.
        log.warning("Chat %s ended; its delivery %s waits for a retry: %s", chat_id, delivery_id, exc)
        return EndChatResult(chat_id, delivery_id, integration.client, "queued", ended_at, None, None, None, str(exc))
    return EndChatResult(
        chat_id=chat_id,
        delivery_id=delivery_id,
        client=integration.client,
        status=_END_CHAT_STATUS.get(record.status, "queued"),
        ended_at=ended_at,
        path=record.path,
        http_status=record.http_status,
        response=record.response,
        error=record.error,
    )


def close_chat_and_enqueue(
    chat_id: int, uow: UnitOfWork, client: str, ended_at: datetime, *, claimed_by: str | None = None
) -> int:
    """Set handle_end and record the delivery atomically; returns the delivery's id.

    With claimed_by the delivery is recorded as already claimed by that process, which delivers it next: no other
    desktop's retry can take it in between. Without it, it waits in the queue as pending.

    The conditional UPDATE makes the database the referee: of two desktops ending the same chat at
    once, exactly one changes a row; the other is refused. A chat whose handle_start is later than now
    is refused too (its end would come before its start), and nothing is written.
    """
    with uow:
        closed = uow.session.execute(
            update(Chat)
            .where(Chat.chat_id == chat_id, Chat.handle_start.is_not(None), Chat.handle_end.is_(None))
            .values(handle_end=ended_at)
            .execution_options(synchronize_session=False)
        )
        if closed.rowcount != 1:  # type: ignore[attr-defined]
            raise _refusal(uow.session, chat_id)
        handle_start = uow.session.scalars(select(Chat.handle_start).where(Chat.chat_id == chat_id)).one()
        if handle_start is not None and handle_start > ended_at:
            raise ChatStartsLater(chat_id, handle_start, ended_at)  # the unit of work rolls the end back
        delivery_id = _enqueue(uow.session, chat_id, client, ended_at, claimed_by)
        notify_change(uow.session, f"chat:{chat_id}")
        uow.commit()
    return delivery_id


def _enqueue(session: Session, chat_id: int, client: str, ended_at: datetime, claimed_by: str | None) -> int:
    """A new pending delivery; or, for a chat another program reopened after Arthur ended it, its delivery
    row queued again for the new transcript (one row per chat; its created keeps the first end)."""
    delivery_id = session.scalar(select(Delivery.delivery_id).where(Delivery.chat_id == chat_id))
    if delivery_id is None:
        delivery = Delivery(chat_id=chat_id, client=client, created=ended_at, **_queued(ended_at, claimed_by))
        session.add(delivery)
        session.flush()
        return delivery.delivery_id
    requeued = session.execute(
        update(Delivery)
        .where(Delivery.delivery_id == delivery_id, _not_in_flight(ended_at))
        .values(client=client, path=None, http_status=None, response=None, error=None, **_queued(ended_at, claimed_by))
        .execution_options(synchronize_session=False)
    )
    if requeued.rowcount != 1:  # type: ignore[attr-defined]
        raise DeliveryInFlight(chat_id)
    log.info("Chat %s was reopened and is ended again; delivery %s is queued again", chat_id, delivery_id)
    return delivery_id


def _queued(now: datetime, claimed_by: str | None) -> dict[str, Any]:
    """Pending, or already claimed (in flight, one attempt) by the process that ends the chat."""
    status = DeliveryStatus.PENDING if claimed_by is None else DeliveryStatus.DELIVERING
    claimed_at = None if claimed_by is None else now
    attempts = 0 if claimed_by is None else 1
    return {
        "status": status.value,
        "attempts": attempts,
        "updated": now,
        "claimed_at": claimed_at,
        "claimed_by": claimed_by,
    }


def _not_in_flight(now: datetime) -> ColumnElement[bool]:
    """Not being delivered by a live process (a claim older than the lease belongs to a dead one)."""
    return or_(
        Delivery.status != DeliveryStatus.DELIVERING.value,
        Delivery.claimed_at.is_(None),
        Delivery.claimed_at < now - CLAIM_LEASE,
    )


def _refusal(session: Session, chat_id: int) -> ArthurError:
    """Why the conditional UPDATE changed nothing: unknown, never picked up, or already ended."""
    started_chat(session, chat_id)
    return ChatAlreadyEnded(chat_id)
