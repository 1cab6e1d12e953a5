"""The transcript outbox: deliver, record the outcome, retry what is pending or failed.

A delivery the client refused (a wrong token or URL) needs attention: it is not retried automatically,
only by retry_delivery, at a person's request once the configuration is fixed.

A delivery is claimed with a conditional UPDATE before it runs, so two desktops retrying at once do
not both deliver it; a claim older than CLAIM_LEASE (the process died mid-delivery) may be taken over.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, or_, select, update

from integrations.base import DeliveryFailed, DeliveryReceipt, TranscriptIntegration
from integrations.transcript import Transcript
from services.change_feed import notify_change
from services.clock import utc_now
from services.errors import ArthurError
from services.models import Chat, Delivery
from services.results import DeliveryRecord, DeliveryStatus
from services.transcripts import load_transcript
from services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=5)
RESPONSE_LIMIT = 10_000


class UnknownDelivery(ArthurError):
    def __init__(self, delivery_id: int) -> None:
        super().__init__(f"There is no delivery with id {delivery_id}.")


def deliver(
    delivery_id: int,
    uow: UnitOfWork,
    integration: TranscriptIntegration,
    *,
    clock: Callable[[], datetime] = utc_now,
) -> DeliveryRecord:
    """Deliver one outbox entry unless it is delivered already or another process holds it."""
    transcript = _claim(delivery_id, uow, integration.client, clock())
    if transcript is None:
        return _record(uow, delivery_id)
    try:
        receipt = integration.deliver(transcript)
    except DeliveryFailed as exc:
        return _record_failure(
            delivery_id, uow, str(exc), exc.http_status, exc.response, clock(), refused=exc.needs_attention
        )
    except Exception as exc:  # an integration's bug must not lose the transcript or crash the app
        # Its message and traceback may quote a secret (a URL with its query, a header): hidden like the rest.
        details = integration.redact("".join(traceback.format_exception(exc)))
        log.error("Delivery %s failed unexpectedly:\n%s", delivery_id, details.rstrip())
        message = integration.redact(f"Unexpected error: {exc}")
        return _record_failure(delivery_id, uow, message, None, None, clock())
    return _record_success(delivery_id, uow, receipt, clock())


def _claim(delivery_id: int, uow: UnitOfWork, client: str, now: datetime) -> Transcript | None:
    """Mark the delivery as in flight and load its transcript; None when it is not ours to deliver."""
    with uow:
        claimed = uow.session.execute(
            update(Delivery)
            .where(
                Delivery.delivery_id == delivery_id,
                Delivery.client == client,
                _claimable(now),
            )
            .values(
                status=DeliveryStatus.DELIVERING.value,
                claimed_at=now,
                updated=now,
                attempts=Delivery.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        chat_id = uow.session.scalars(select(Delivery.chat_id).where(Delivery.delivery_id == delivery_id)).one()
        transcript = load_transcript(uow.session, chat_id)
        uow.commit()
    return transcript


def retry_delivery(delivery_id: int, uow: UnitOfWork, integration: TranscriptIntegration) -> DeliveryRecord:
    """Deliver one entry now, at a person's request: also one the client refused, once its cause is fixed."""
    with uow:
        if uow.session.get(Delivery, delivery_id) is None:
            raise UnknownDelivery(delivery_id)
        # Back among the failed ones, which deliver() may claim; a refusal again puts it back.
        uow.session.execute(
            update(Delivery)
            .where(
                Delivery.delivery_id == delivery_id,
                Delivery.client == integration.client,
                Delivery.status == DeliveryStatus.NEEDS_ATTENTION.value,
            )
            .values(status=DeliveryStatus.FAILED.value)
            .execution_options(synchronize_session=False)
        )
        uow.commit()
    return deliver(delivery_id, uow, integration)


def retry_pending_deliveries(
    uow: UnitOfWork, integration: TranscriptIntegration, *, should_stop: Callable[[], bool] = lambda: False
) -> list[DeliveryRecord]:
    """Deliver every pending or failed entry of the configured client, oldest first.

    should_stop is asked before each delivery, so that a closing window need not wait for the whole queue;
    what is left stays queued for the next retry.
    """
    with uow:
        ids = uow.session.scalars(
            select(Delivery.delivery_id)
            .where(Delivery.client == integration.client, _claimable(utc_now()))
            .order_by(Delivery.delivery_id)
        ).all()
    records = []
    for delivery_id in ids:
        if should_stop():
            break
        records.append(deliver(delivery_id, uow, integration))
    return records


def list_deliveries(uow: UnitOfWork, status: DeliveryStatus | None = None, *, limit: int = 500) -> list[DeliveryRecord]:
    """Newest first."""
    query = _record_query().order_by(Delivery.delivery_id.desc()).limit(limit)
    if status is not None:
        query = query.where(Delivery.status == status.value)
    with uow:
        return [_to_record(row) for row in uow.session.execute(query).all()]


def _claimable(now: datetime) -> Any:
    return or_(
        Delivery.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.FAILED.value]),
        and_(Delivery.status == DeliveryStatus.DELIVERING.value, Delivery.claimed_at < now - CLAIM_LEASE),
    )


def _record_success(delivery_id: int, uow: UnitOfWork, receipt: DeliveryReceipt, now: datetime) -> DeliveryRecord:
    return _finish(
        delivery_id,
        uow,
        status=DeliveryStatus.DELIVERED.value,
        updated=now,
        claimed_at=None,
        path=receipt.path,
        http_status=receipt.http_status,
        response=_clip(receipt.response),
        error=None,
    )


def _record_failure(
    delivery_id: int,
    uow: UnitOfWork,
    error: str,
    http_status: int | None,
    response: str | None,
    now: datetime,
    *,
    refused: bool = False,
) -> DeliveryRecord:
    log.warning("Delivery %s %s: %s", delivery_id, "was refused" if refused else "failed", error)
    status = DeliveryStatus.NEEDS_ATTENTION if refused else DeliveryStatus.FAILED
    return _finish(
        delivery_id,
        uow,
        status=status.value,
        updated=now,
        claimed_at=None,
        http_status=http_status,
        response=_clip(response),
        error=error,
    )


def _finish(delivery_id: int, uow: UnitOfWork, **values: Any) -> DeliveryRecord:
    with uow:
        uow.session.execute(
            update(Delivery)
            .where(Delivery.delivery_id == delivery_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        notify_change(uow.session, f"delivery:{delivery_id}")
        uow.commit()
    return _record(uow, delivery_id)


def _record(uow: UnitOfWork, delivery_id: int) -> DeliveryRecord:
    with uow:
        row = uow.session.execute(_record_query().where(Delivery.delivery_id == delivery_id)).one_or_none()
        if row is None:
            raise UnknownDelivery(delivery_id)
        return _to_record(row)


def _record_query() -> Any:
    return select(Delivery, Chat.customer_name).join(Chat, Chat.chat_id == Delivery.chat_id)


def _to_record(row: Row[Any]) -> DeliveryRecord:
    delivery: Delivery = row[0]
    return DeliveryRecord(
        delivery_id=delivery.delivery_id,
        chat_id=delivery.chat_id,
        customer_name=row.customer_name,
        client=delivery.client,
        status=DeliveryStatus(delivery.status),
        attempts=delivery.attempts,
        created=delivery.created,
        updated=delivery.updated,
        path=delivery.path,
        http_status=delivery.http_status,
        response=delivery.response,
        error=delivery.error,
    )


def _clip(text: str | None) -> str | None:
    return text if text is None or len(text) <= RESPONSE_LIMIT else text[:RESPONSE_LIMIT] + "…"
