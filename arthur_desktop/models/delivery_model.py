"""The transcript outbox: one row per delivery, newest first."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Sequence
from typing import cast

from PySide6.QtCore import QObject

from arthur_desktop.models.record_model import Column, RecordTableModel, text_sort
from services.formatting import delivery_outcome, name_or_no_value
from services.local_time import display_zone, format_local
from services.results import DeliveryRecord, DeliveryStatus

STATUS_LABELS = {
    DeliveryStatus.PENDING: "Pending",
    DeliveryStatus.DELIVERING: "Delivering",
    DeliveryStatus.DELIVERED: "Delivered",
    DeliveryStatus.FAILED: "Failed",
    DeliveryStatus.NEEDS_ATTENTION: "Needs attention",
    DeliveryStatus.UNKNOWN: "Unknown (set by another program)",
}
STATUS_COLOURS = {
    DeliveryStatus.PENDING: "#b45309",
    DeliveryStatus.DELIVERING: "#1d4ed8",
    DeliveryStatus.DELIVERED: "#15803d",
    DeliveryStatus.FAILED: "#b91c1c",
    DeliveryStatus.NEEDS_ATTENTION: "#7e22ce",
    DeliveryStatus.UNKNOWN: "#6b7280",
}
STATUS_COLUMN = 3
ATTEMPTS_COLUMN = 4
ATTEMPTS_TOOLTIP = (
    "Times this transcript was sent: every HTTP request to the client, its automatic retries included, "
    "or every file written"
)


COLUMNS: tuple[Column[DeliveryRecord], ...] = (
    Column("ID", lambda d: str(d.delivery_id), lambda d: d.delivery_id, numeric=True),
    Column("Chat", lambda d: str(d.chat_id), lambda d: d.chat_id, numeric=True),
    Column("Customer", lambda d: name_or_no_value(d.customer_name), lambda d: text_sort(d.customer_name)),
    Column(
        "Status",
        lambda d: STATUS_LABELS[d.status],
        lambda d: d.status.value,
        colour=lambda d: STATUS_COLOURS[d.status],
    ),
    Column(
        "Attempts",
        lambda d: str(d.attempts),
        lambda d: d.attempts,
        numeric=True,
        header_tooltip=ATTEMPTS_TOOLTIP,
    ),
    Column("Updated", lambda d: format_local(d.updated, display_zone()), lambda d: d.updated.isoformat()),
    Column(
        "Outcome",
        delivery_outcome,
        lambda d: text_sort(delivery_outcome(d)),
        tooltip=delivery_outcome,
    ),
)


class DeliveryModel(RecordTableModel[DeliveryRecord]):
    """The newest deliveries, newest first (the service's order; a view may sort them otherwise)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent=parent, key=lambda record: record.delivery_id)

    def merge(self, asked: Collection[int], records: Sequence[DeliveryRecord], *, limit: int) -> None:
        """The deliveries asked for, read again: those shown change in place, one no longer stored goes, and a new
        one takes its place in the order, the list keeping its newest limit rows, as a full read would."""
        found = {record.delivery_id for record in records}
        self.remove_keys(set(asked) - found)
        self.update_rows(records)
        for record in sorted(records, key=lambda r: r.delivery_id):  # oldest first: each lands above the last
            if self.row_for_key(record.delivery_id) is None:
                newer = [cast(int, self.key_at(i)) for i in range(self.rowCount())]
                place = bisect_left([-i for i in newer], -record.delivery_id)  # the first row older than it
                self.insert_rows_after(newer[place - 1] if place else None, [record])
        if self.rowCount() > limit:
            self.remove_keys(self.key_at(i) for i in range(limit, self.rowCount()))


def needs_retry(record: DeliveryRecord) -> bool:
    """Not delivered, and not in flight: a person may send it again (Retry on its row)."""
    return record.status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED, DeliveryStatus.NEEDS_ATTENTION)


def retried_automatically(record: DeliveryRecord) -> bool:
    """What "Retry all" and start-up send again; a refusal needs its configuration fixed first."""
    return record.status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
