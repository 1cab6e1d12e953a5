"""Ending a chat: close it and record its transcript delivery in one transaction, then deliver."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from integrations.base import TranscriptIntegration
from services.change_feed import notify_change
from services.clock import utc_now
from services.deliveries import deliver
from services.errors import ArthurError, ChatAlreadyEnded
from services.models import Chat, Delivery
from services.results import DeliveryStatus, EndChatResult
from services.transcripts import chat_transcript, started_chat
from services.unit_of_work import UnitOfWork

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
    ended_at = clock()
    delivery_id = close_chat_and_enqueue(chat_id, uow, integration.client, ended_at)
    try:
        record = deliver(delivery_id, uow, integration, clock=clock)
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


def close_chat_and_enqueue(chat_id: int, uow: UnitOfWork, client: str, ended_at: datetime) -> int:
    """Set handle_end and record the pending delivery atomically; returns the delivery's id.

    The conditional UPDATE makes the database the referee: of two desktops ending the same chat at
    once, exactly one changes a row; the other is refused.
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
        delivery = Delivery(
            chat_id=chat_id,
            client=client,
            status=DeliveryStatus.PENDING.value,
            attempts=0,
            created=ended_at,
            updated=ended_at,
        )
        uow.session.add(delivery)
        uow.session.flush()
        delivery_id = delivery.delivery_id
        notify_change(uow.session, f"chat:{chat_id}")
        uow.commit()
    return delivery_id


def _refusal(session: Session, chat_id: int) -> ArthurError:
    """Why the conditional UPDATE changed nothing: unknown, never picked up, or already ended."""
    started_chat(session, chat_id)
    return ChatAlreadyEnded(chat_id)
