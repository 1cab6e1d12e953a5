"""The steps of one delivery around the integration's call: claim it, load its transcript, put it back.

A delivery is claimed with a conditional UPDATE, so two desktops retrying at once do not both deliver it.
The claim names its holder (services.process_claims): a claim whose holder was a process of this desktop
that has ended is taken over at once; any other only once it is older than CLAIM_LEASE. A process may retake
its own claim (left by a delivery of its own that failed before recording the outcome) while none of its threads
is delivering that entry: `delivering_here` marks the entries in flight in this process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from integrations.transcript import Transcript
from services.errors import ArthurError, UnknownChat
from services.process_claims import ClaimHolder
from services.results import DeliveryStatus
from services.storage.change_feed import notify_change
from services.storage.models import Delivery
from services.storage.unit_of_work import UnitOfWork
from services.transcripts import load_transcript

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=5)
INTERRUPTED = "Interrupted before the delivery finished (the program was stopped); it waits for a retry."


_in_flight_here: set[int] = set()
_in_flight_lock = threading.Lock()


@contextmanager
def delivering_here(delivery_id: int) -> Iterator[bool]:
    """True, and the entry marked as in flight in this process until the block ends; False if a thread of this
    process is delivering it already."""
    with _in_flight_lock:
        free = delivery_id not in _in_flight_here
        _in_flight_here.add(delivery_id)
    try:
        yield free
    finally:
        if free:
            with _in_flight_lock:
                _in_flight_here.discard(delivery_id)


class TranscriptUnreadable(Exception):
    """The delivery's transcript cannot be loaded; str() says why, for the delivery's error."""


def claimable(now: datetime) -> Any:
    return or_(
        Delivery.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.FAILED.value]),
        and_(Delivery.status == DeliveryStatus.DELIVERING.value, Delivery.claimed_at < now - CLAIM_LEASE),
    )


def claim(delivery_id: int, uow: UnitOfWork, client: str, now: datetime, holder: ClaimHolder) -> int | None:
    """Mark the delivery as in flight for this process; its chat's id, or None when it is not ours to deliver."""
    with uow:
        session, claim_id = uow.session, holder.claim_id
        claimed = _claim_where(session, delivery_id, client, claim_id, now, claimable(now))
        if not claimed:  # the UPDATE holds SQLite's write lock by now, so this read cannot go stale
            held_by = session.scalar(
                select(Delivery.claimed_by).where(
                    Delivery.delivery_id == delivery_id, Delivery.status == DeliveryStatus.DELIVERING.value
                )
            )
            # Ours (the caller marked it delivering_here, so no thread of ours is in it), or a dead process's.
            if held_by is not None and (held_by == claim_id or holder.holder_is_gone(held_by)):
                orphaned = and_(Delivery.status == DeliveryStatus.DELIVERING.value, Delivery.claimed_by == held_by)
                claimed = _claim_where(session, delivery_id, client, claim_id, now, orphaned)
        if not claimed:
            return None
        chat_id = session.scalars(select(Delivery.chat_id).where(Delivery.delivery_id == delivery_id)).one()
        uow.commit()
    return chat_id


def load(uow: UnitOfWork, chat_id: int) -> Transcript:
    """The transcript to deliver; TranscriptUnreadable when its chat is gone or holds what cannot be read."""
    with uow:
        try:
            return load_transcript(uow.session, chat_id)
        except (OperationalError, InterfaceError):
            raise  # the database, not this delivery: the unit of work reports it
        except UnknownChat:
            message = f"Chat {chat_id} no longer exists, so its transcript cannot be delivered."
            raise TranscriptUnreadable(message) from None
        except ArthurError as exc:
            raise TranscriptUnreadable(str(exc)) from exc
        except Exception as exc:  # e.g. a time another program wrote in a form that cannot be read
            log.debug("Chat %s could not be read", chat_id, exc_info=exc)
            raise TranscriptUnreadable(f"Chat {chat_id} could not be read: {exc}") from exc


def release_interrupted(delivery_id: int, uow: UnitOfWork, claim_id: str, now: datetime) -> None:
    """Put a delivery this process holds back in the queue (as failed: it may have reached the client)."""
    with uow:
        uow.session.execute(
            update(Delivery)
            .where(
                Delivery.delivery_id == delivery_id,
                Delivery.status == DeliveryStatus.DELIVERING.value,
                Delivery.claimed_by == claim_id,
            )
            .values(
                status=DeliveryStatus.FAILED.value, claimed_at=None, claimed_by=None, updated=now, error=INTERRUPTED
            )
            .execution_options(synchronize_session=False)
        )
        notify_change(uow.session, f"delivery:{delivery_id}")
        uow.commit()


def _claim_where(session: Session, delivery_id: int, client: str, claim_id: str, now: datetime, when: Any) -> bool:
    claimed = session.execute(
        update(Delivery)
        .where(Delivery.delivery_id == delivery_id, Delivery.client == client, when)
        .values(
            status=DeliveryStatus.DELIVERING.value,
            claimed_at=now,
            claimed_by=claim_id,
            updated=now,
            attempts=Delivery.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]
