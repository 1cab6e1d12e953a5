"""The status bar's line after a retry says where each transcript stands now."""

from __future__ import annotations

from datetime import datetime

from arthur_desktop.messages import retry_outcome
from services.results import DeliveryRecord, DeliveryStatus

WHEN = datetime(2020, 9, 29, 9, 5)


def record(chat_id: int, status: DeliveryStatus, *, http_status: int | None = None) -> DeliveryRecord:
    return DeliveryRecord(
        delivery_id=chat_id,
        chat_id=chat_id,
        customer_name="Ann",
        client="savage_rentals",
        status=status,
        attempts=1,
        created=WHEN,
        updated=WHEN,
        path=None,
        http_status=http_status,
        response=None,
        error=None,
    )


def test_one_retried_transcript_says_delivered_refused_or_still_queued() -> None:
    assert retry_outcome([record(2, DeliveryStatus.DELIVERED, http_status=201)]) == (
        "The transcript of chat 2 was delivered (HTTP 201)."
    )
    assert retry_outcome([record(2, DeliveryStatus.NEEDS_ATTENTION)]) == (
        "The transcript of chat 2 was refused again and needs attention."
    )
    assert retry_outcome([record(2, DeliveryStatus.FAILED)]) == "The transcript of chat 2 is still queued for a retry."


def test_retry_all_counts_each_outcome_and_says_nothing_when_nothing_waited() -> None:
    records = [
        record(1, DeliveryStatus.DELIVERED),
        record(2, DeliveryStatus.FAILED),
        record(3, DeliveryStatus.DELIVERED),
        record(4, DeliveryStatus.NEEDS_ATTENTION),
    ]

    assert retry_outcome(records) == (
        "Retried 4 transcripts: 2 delivered, 1 still queued, 1 refused, needing attention."
    )
    assert retry_outcome([]) is None
