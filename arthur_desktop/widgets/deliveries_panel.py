"""The transcript outbox: pending, failed and delivered transcripts, with Retry."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection

from PySide6.QtCore import QRegularExpression, QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QPushButton, QVBoxLayout, QWidget

from arthur_desktop.messages import error_message
from arthur_desktop.models.delivery_model import STATUS_COLUMN, DeliveryModel, needs_retry, retried_automatically
from arthur_desktop.models.proxies import SortingFilter
from arthur_desktop.models.record_model import SORT_ROLE
from arthur_desktop.widgets.panel_header import panel_header
from arthur_desktop.widgets.record_table import RecordTable
from arthur_desktop.workers import TaskRunner
from integrations.base import TranscriptIntegration
from services.deliveries import deliveries_by_id, list_deliveries, retry_delivery, retry_pending_deliveries
from services.results import DeliveryRecord, DeliveryStatus
from services.storage.database import Database

log = logging.getLogger(__name__)

_FILTERS = (
    ("All deliveries", None),
    ("Pending", DeliveryStatus.PENDING),
    ("Failed", DeliveryStatus.FAILED),
    ("Needs attention", DeliveryStatus.NEEDS_ATTENTION),
    ("Delivered", DeliveryStatus.DELIVERED),
)
_LIMIT = 500  # the newest deliveries shown
_COLUMN_SAMPLES = {0: "00000", 1: "00000", 2: "Customer name", 3: "Needs attention", 4: "000", 5: "0000-00-00 00:00"}


class DeliveriesPanel(QWidget):
    SOURCE = "deliveries"
    loaded = Signal(str)  # SOURCE
    load_failed = Signal(str, str)  # SOURCE, the message
    waiting_count_changed = Signal(int)  # deliveries pending, failed or needing attention
    retry_failed = Signal(str)
    retried = Signal(object)  # the DeliveryRecords of a finished Retry or Retry all, as they stand now

    def __init__(
        self,
        database: Database,
        integration: TranscriptIntegration,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._integration = integration
        self._runner = runner
        self._stopping = threading.Event()  # set when the window closes: a running "Retry all" stops early
        self.model = DeliveryModel(self)
        self.status_box = self._status_box()
        self.retry_button = QPushButton("Retry", self)
        self.retry_button.setObjectName("retrySelectedDeliveryButton")
        self.retry_all_button = QPushButton("Retry all", self)
        self.retry_all_button.setObjectName("retryAllDeliveriesButton")
        self.retry_all_button.setToolTip(
            "Send every pending or failed transcript again; one that needs attention, after fixing its cause, "
            "with Retry on its row"
        )
        self._status_filter = self._filter_proxy()
        self.table = RecordTable(self.model, "deliveriesTable", self, proxy=self._status_filter)
        self._configure_table()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        controls = (self.status_box, self.retry_button, self.retry_all_button)
        layout.addLayout(panel_header(None, *controls))
        layout.addWidget(self.table)
        self._retrying = False
        self._loaded = False  # a whole list read: until then a notice reads the list, not its deliveries
        self._update_buttons()
        self.status_box.currentIndexChanged.connect(self._apply_filter)
        self.table.current_record_changed.connect(self._update_buttons)
        self.retry_button.clicked.connect(self.retry_selected)
        self.retry_all_button.clicked.connect(self.retry_all)

    @Slot()
    def refresh(self) -> None:
        database = self._database
        self._runner.start(
            lambda: list_deliveries(database.unit_of_work(), limit=_LIMIT),
            self._show_records,
            self._show_failure,
            key=self.SOURCE,
        )

    def refresh_changed(self, delivery_ids: Collection[int]) -> None:
        """Read again only these deliveries (a notice named them), not the whole list, once it has loaded."""
        if not self._loaded:
            self.refresh()
            return
        database, asked = self._database, frozenset(delivery_ids)
        self._runner.start(
            lambda: deliveries_by_id(database.unit_of_work(), asked),
            lambda records: self._merge_records(asked, records),
            self._show_failure,
            key=self.SOURCE,
        )

    @Slot()
    def retry_selected(self) -> None:
        record = self.table.current_record()
        if isinstance(record, DeliveryRecord) and needs_retry(record):
            database, integration, delivery_id = self._database, self._integration, record.delivery_id
            self._start_retry(lambda: retry_delivery(delivery_id, database.unit_of_work(), integration))

    @Slot()
    def retry_all(self) -> None:
        database, integration = self._database, self._integration
        stopping = self._stopping
        self._start_retry(
            lambda: retry_pending_deliveries(database.unit_of_work(), integration, should_stop=stopping.is_set)
        )

    def stop(self) -> None:
        """Let a running "Retry all" finish after its current delivery; the rest stays queued."""
        self._stopping.set()

    def select_delivery(self, delivery_id: int) -> bool:
        return self.table.select_key(delivery_id)

    def _status_box(self) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName("deliveryStatusFilter")
        for label, status in _FILTERS:
            box.addItem(label, None if status is None else status.value)
        return box

    def _filter_proxy(self) -> QSortFilterProxyModel:
        proxy = SortingFilter(self)
        proxy.setSourceModel(self.model)
        proxy.setSortRole(SORT_ROLE)
        proxy.setFilterRole(SORT_ROLE)
        proxy.setFilterKeyColumn(STATUS_COLUMN)
        return proxy

    def _configure_table(self) -> None:
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's order: newest first
        self.table.fit_columns(_COLUMN_SAMPLES, stretch=len(_COLUMN_SAMPLES))

    def _start_retry(self, function: Callable[[], object]) -> None:
        if self._retrying:
            return
        self._retrying = True
        self._update_buttons()
        self._runner.start(function, self._show_retried, self._show_retry_failure, key="retry-deliveries")

    @Slot(int)
    def _apply_filter(self, _index: int) -> None:
        status = self.status_box.currentData()
        pattern = "" if status is None else f"^{QRegularExpression.escape(str(status))}$"
        self._status_filter.setFilterRegularExpression(pattern)

    @Slot()
    def _update_buttons(self) -> None:
        record = self.table.current_record()
        can_retry = isinstance(record, DeliveryRecord) and needs_retry(record)
        self.retry_button.setEnabled(can_retry and not self._retrying)
        waiting = any(retried_automatically(r) for r in self.model.rows)
        self.retry_all_button.setEnabled(waiting and not self._retrying)

    @Slot(object)
    def _show_records(self, records: list[DeliveryRecord]) -> None:
        self.model.set_rows(records)
        self._loaded = True
        self._records_shown()

    def _merge_records(self, asked: frozenset[int], records: list[DeliveryRecord]) -> None:
        self.model.merge(asked, records, limit=_LIMIT)
        self._records_shown()

    def _records_shown(self) -> None:
        self._update_buttons()
        self.waiting_count_changed.emit(sum(1 for r in self.model.rows if needs_retry(r)))
        self.loaded.emit(self.SOURCE)

    @Slot(object)
    def _show_failure(self, error: object) -> None:
        self.load_failed.emit(self.SOURCE, f"The deliveries could not be loaded: {error_message(error)}")

    @Slot(object)
    def _show_retried(self, outcome: DeliveryRecord | list[DeliveryRecord]) -> None:
        self._retrying = False
        self.refresh()
        self.retried.emit([outcome] if isinstance(outcome, DeliveryRecord) else list(outcome))

    @Slot(object)
    def _show_retry_failure(self, error: object) -> None:
        self._retrying = False
        self._update_buttons()
        self.retry_failed.emit(f"The retry failed: {error_message(error)}")
