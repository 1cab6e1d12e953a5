"""What happened when a chat was ended: where the transcript went, why it is queued, or why it was refused."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from services.results import DeliveryRecord, DeliveryStatus, EndChatResult

_RESPONSE_PREVIEW = 400
SUCCESS, WARNING, ERROR = "success", "warning", "error"
_FIX_THEN_RETRY = "It is not retried automatically: fix the client configuration, then Retry."


class EndChatResultBox(QFrame):
    """Shown under the transcript; its "tone" property colours it through the style sheet."""

    retry_requested = Signal(int)  # id of the queued delivery to try again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("endChatResult")
        self.message = QLabel(self)
        self.message.setObjectName("endChatResultMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder_button = QPushButton("Open folder", self)
        self.open_folder_button.setObjectName("openFolderButton")
        self.retry_button = QPushButton("Retry", self)
        self.retry_button.setObjectName("retryDeliveryButton")
        layout = QHBoxLayout(self)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.open_folder_button)
        layout.addWidget(self.retry_button)
        self._folder: Path | None = None
        self._delivery_id: int | None = None
        self.open_folder_button.clicked.connect(self.open_folder)
        self.retry_button.clicked.connect(self._request_retry)
        self.clear()

    @property
    def folder(self) -> Path | None:
        return self._folder

    def clear(self) -> None:
        self._folder = self._delivery_id = None
        self.message.clear()
        self.setVisible(False)

    def show_end_result(self, result: EndChatResult) -> None:
        if result.status == "delivered":
            text = f"Chat {result.chat_id} ended.\n{_delivered(result)}"
            self._show(result.delivery_id, SUCCESS, text, path=result.path)
        elif result.status == "needs-attention":
            text = f"Chat {result.chat_id} ended; its transcript was refused.\n{result.error}\n{_FIX_THEN_RETRY}"
            self._show(result.delivery_id, ERROR, text, retry=True)
        else:
            text = f"Chat {result.chat_id} ended; its transcript is queued.\n{result.error}"
            self._show(result.delivery_id, WARNING, text, retry=True)

    def show_delivery(self, record: DeliveryRecord) -> None:
        if record.status is DeliveryStatus.DELIVERED:
            self._show(record.delivery_id, SUCCESS, _delivered(record), path=record.path)
        elif record.status is DeliveryStatus.NEEDS_ATTENTION:
            text = f"The transcript of chat {record.chat_id} was refused again.\n{record.error}\n{_FIX_THEN_RETRY}"
            self._show(record.delivery_id, ERROR, text, retry=True)
        else:
            text = f"The transcript of chat {record.chat_id} is still queued.\n{record.error or 'Not sent yet.'}"
            self._show(record.delivery_id, WARNING, text, retry=True)

    def show_refusal(self, reason: str) -> None:
        self._show(None, ERROR, reason)

    def set_retrying(self, retrying: bool) -> None:
        self.retry_button.setEnabled(not retrying)
        self.retry_button.setText("Retrying…" if retrying else "Retry")

    @Slot()
    def open_folder(self) -> None:
        if self._folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._folder)))

    def _show(
        self, delivery_id: int | None, tone: str, text: str, *, path: str | None = None, retry: bool = False
    ) -> None:
        self._delivery_id = delivery_id
        self._folder = None if path is None else Path(path).parent
        self.message.setText(text)
        self.setProperty("tone", tone)
        self.style().unpolish(self)
        self.style().polish(self)
        self.open_folder_button.setVisible(self._folder is not None)
        self.retry_button.setVisible(retry)
        self.set_retrying(False)
        self.setVisible(True)

    @Slot()
    def _request_retry(self) -> None:
        if self._delivery_id is not None:
            self.set_retrying(True)
            self.retry_requested.emit(self._delivery_id)


def _delivered(outcome: EndChatResult | DeliveryRecord) -> str:
    if outcome.path:
        return f"Transcript saved to {outcome.path}"
    response = (outcome.response or "").strip()
    if len(response) > _RESPONSE_PREVIEW:
        response = response[:_RESPONSE_PREVIEW] + "…"
    return f"Transcript delivered: HTTP {outcome.http_status}." + (f"\nResponse: {response}" if response else "")
