"""The transcript outbox: deliver, record the outcome, retry what is pending or failed.

Each delivery is claimed before it runs (services.delivery_claims), so that two desktops retrying at once
do not both deliver it; a claim left by a process of this desktop that has ended is taken over at once.
A delivery whose transcript cannot be loaded fails on its own, and the queue goes on.

A delivery the client refused (a wrong token or URL) needs attention: it is not retried automatically,
only by retry_delivery, at a person's request once the configuration is fixed.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select, update

from integrations.base import DeliveryFailed, DeliveryReceipt, TranscriptIntegration
from services.clock import utc_now
from services.delivery_claims import TranscriptUnreadable, claim, delivering_here, load, release_interrupted
from services.errors import ArthurError
from services.process_claims import ClaimHolder, this_process
from services.results import DeliveryRecord, DeliveryStatus
from services.storage.change_feed import notify_change
from services.storage.models import Chat, Delivery
from services.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

RESPONSE_LIMIT = 10_000


class UnknownDelivery(ArthurError):
    def __init__(self, delivery_id: int) -> None:
        super().__init__(f"There is no delivery with id {delivery_id}.")


class DeliveryInterrupted(KeyboardInterrupt):
    """Ctrl-C or a signal stopped a delivery; its claim was released, so it waits for a retry."""

    def __init__(self, delivery_id: int, *, delivered: bool) -> None:
        super().__init__(delivery_id)
        self.delivery_id = delivery_id
        self.delivered = delivered  # the interruption came after the outcome was recorded


def deliver(
    delivery_id: int,
    uow: UnitOfWork,
    integration: TranscriptIntegration,
    *,
    clock: Callable[[], datetime] = utc_now,
    holder: ClaimHolder | None = None,
    claimed_chat_id: int | None = None,
) -> DeliveryRecord:
    """Deliver one outbox entry unless it is delivered already or another live process holds it.

    claimed_chat_id: the holder claimed the delivery already, for this chat (End chat claims it in the
    transaction that ends the chat). Interrupted (KeyboardInterrupt, or a signal the edge turns into one), it
    releases its claim and raises DeliveryInterrupted.
    """
    holder = holder or this_process()
    try:
        with delivering_here(delivery_id) as free:
            if not free:  # another thread of this process is delivering it
                return _record(uow, delivery_id)
            return _deliver(delivery_id, uow, integration, clock, holder, claimed_chat_id)
    except KeyboardInterrupt as exc:
        raise DeliveryInterrupted(delivery_id, delivered=_put_back(delivery_id, uow, holder, clock())) from exc


def _deliver(
    delivery_id: int,
    uow: UnitOfWork,
    integration: TranscriptIntegration,
    clock: Callable[[], datetime],
    holder: ClaimHolder,
    claimed_chat_id: int | None,
) -> DeliveryRecord:
    chat_id = claimed_chat_id or claim(delivery_id, uow, integration.client, clock(), holder)
    if chat_id is None:
        return _record(uow, delivery_id)
    try:
        transcript = load(uow, chat_id)
    except TranscriptUnreadable as problem:
        return _record_failure(delivery_id, uow, str(problem), None, None, clock())
    try:
        receipt = integration.deliver(transcript)
    except DeliveryFailed as exc:
        return _record_failure(
            delivery_id,
            uow,
            str(exc),
            exc.http_status,
            exc.response,
            clock(),
            refused=exc.needs_attention,
            tries=exc.tries,
        )
    except Exception as exc:  # an integration's bug must not lose the transcript or crash the app
        # Its message and traceback may quote a secret (a URL with its query, a header): hidden like the rest.
        details = integration.redact("".join(traceback.format_exception(exc)))
        log.error("Delivery %s failed unexpectedly:\n%s", delivery_id, details.rstrip())
        message = integration.redact(f"Unexpected error: {exc}")
        return _record_failure(delivery_id, uow, message, None, None, clock())
    return _record_success(delivery_id, uow, receipt, clock())


def _put_back(delivery_id: int, uow: UnitOfWork, holder: ClaimHolder, now: datetime) -> bool:
    """Release an interrupted delivery's claim; True if its outcome had been recorded already."""
    try:
        release_interrupted(delivery_id, uow, holder.claim_id, now)
        return _record(uow, delivery_id).status is DeliveryStatus.DELIVERED
    except Exception as exc:  # the claim stays: this desktop takes it over at once when this process has ended
        log.warning("Delivery %s could not be put back in the queue: %s", delivery_id, exc)
        return False


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
    uow: UnitOfWork,
    integration: TranscriptIntegration,
    *,
    should_stop: Callable[[], bool] = lambda: False,
    holder: ClaimHolder | None = None,
) -> list[DeliveryRecord]:
    """Deliver every pending or failed entry of the configured client, oldest first, and take over the ones
    whose holder has gone; a record for each, those still held by a live process (status delivering) too.

    Each delivery fails on its own (its chat deleted, unreadable): the queue goes on. should_stop is asked
    before each delivery, so that a closing window need not wait for the whole queue; what is left stays
    queued for the next retry.
    """
    queued = [DeliveryStatus.PENDING.value, DeliveryStatus.FAILED.value, DeliveryStatus.DELIVERING.value]
    with uow:
        ids = uow.session.scalars(
            select(Delivery.delivery_id)
            .where(Delivery.client == integration.client, Delivery.status.in_(queued))
            .order_by(Delivery.delivery_id)
        ).all()
    records = []
    for delivery_id in ids:
        if should_stop():
            break
        records.append(deliver(delivery_id, uow, integration, holder=holder))
    return records


def count_undelivered(uow: UnitOfWork) -> int:
    """Deliveries of any client not delivered yet: queued, failed, in flight or set aside."""
    with uow:
        return int(
            uow.session.scalar(
                select(func.count()).select_from(Delivery).where(Delivery.status != DeliveryStatus.DELIVERED.value)
            )
            or 0
        )


def list_deliveries(uow: UnitOfWork, status: DeliveryStatus | None = None, *, limit: int = 500) -> list[DeliveryRecord]:
    """Newest first."""
    query = _record_query().order_by(Delivery.delivery_id.desc()).limit(limit)
    if status is not None:
        query = query.where(Delivery.status == status.value)
    with uow:
        return [_to_record(row) for row in uow.session.execute(query).all()]


def deliveries_by_id(uow: UnitOfWork, delivery_ids: Collection[int]) -> list[DeliveryRecord]:
    """These deliveries as they stand now, newest first (an id without a delivery is left out): what a window
    reads when it hears that they changed, rather than its whole list again."""
    if not delivery_ids:
        return []
    query = _record_query().where(Delivery.delivery_id.in_(set(delivery_ids))).order_by(Delivery.delivery_id.desc())
    with uow:
        return [_to_record(row) for row in uow.session.execute(query).all()]


def _record_success(delivery_id: int, uow: UnitOfWork, receipt: DeliveryReceipt, now: datetime) -> DeliveryRecord:
    return _finish(
        delivery_id,
        uow,
        status=DeliveryStatus.DELIVERED.value,
        updated=now,
        claimed_at=None,
        claimed_by=None,
        path=receipt.path,
        http_status=receipt.http_status,
        response=_clip(receipt.response),
        error=None,
        attempts=_counted(receipt.tries),
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
    tries: int = 1,
) -> DeliveryRecord:
    log.warning("Delivery %s %s: %s", delivery_id, "was refused" if refused else "failed", error)
    status = DeliveryStatus.NEEDS_ATTENTION if refused else DeliveryStatus.FAILED
    return _finish(
        delivery_id,
        uow,
        status=status.value,
        updated=now,
        claimed_at=None,
        claimed_by=None,
        http_status=http_status,
        response=_clip(response),
        error=error,
        attempts=_counted(tries),
    )


def _counted(tries: int) -> Any:
    """The attempts column once this delivery is over: its claim counted one try already (a try begun when a kill
    stops it counts too), each further request of the integration's own retries counts as well."""
    return Delivery.attempts + max(0, tries - 1)


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
    # Columns, not ORM objects: a window reads up to 500 at every refresh, and building objects cost most of that.
    # An outer join: a delivery whose chat another program deleted is still listed (no customer), and fails on its own.
    shown = [column for column in Delivery.__table__.c if column.name not in ("claimed_at", "claimed_by")]
    return select(*shown, Chat.customer_name).outerjoin(Chat, Chat.chat_id == Delivery.chat_id)


def _to_record(row: Row[Any]) -> DeliveryRecord:
    return DeliveryRecord(
        delivery_id=row.delivery_id,
        chat_id=row.chat_id,
        customer_name=row.customer_name,
        client=row.client,
        status=DeliveryStatus.read(row.status),
        attempts=row.attempts,
        created=row.created,
        updated=row.updated,
        path=row.path,
        http_status=row.http_status,
        response=row.response,
        error=row.error,
    )


def _clip(text: str | None) -> str | None:
    return text if text is None or len(text) <= RESPONSE_LIMIT else text[:RESPONSE_LIMIT] + "…"
