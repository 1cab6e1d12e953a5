"""What happened when a chat (or several) was ended: where each transcript went, why it is queued, or why it was
refused. It stays until the manager dismisses it (its close button or Esc) or acts again."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QListWidget, QPushButton, QToolButton, QVBoxLayout, QWidget

from services.end_chats import EndChatOutcome
from services.formatting import name_or_no_value
from services.results import ChatSummary, DeliveryRecord, DeliveryStatus, EndChatResult

_RESPONSE_PREVIEW = 400
SUCCESS, WARNING, ERROR, NEUTRAL = "success", "warning", "error", ""
_MOST_ROWS_SHOWN = 6
_FIX_THEN_RETRY = "It is not retried automatically: fix the client configuration, then Retry."


class EndChatResultBox(QFrame):
    """Shown under the transcript; its "tone" property colours it through the style sheet."""

    retry_requested = Signal(int)  # id of the queued delivery to try again
    dismissed = Signal()  # the manager closed it

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
        self.close_button = self._close_button()
        self.outcomes = QListWidget(self)
        self.outcomes.setObjectName("endChatOutcomes")
        self.outcomes.setAccessibleName("Outcome of each chat")
        self.outcomes.setWordWrap(True)
        self._build_layout()
        self._folder: Path | None = None
        self._delivery_id: int | None = None
        self._ending: dict[int, str] = {}  # chat id -> how its outcome line starts, while several are ended
        self._done: set[int] = set()  # of those, the chats whose outcome arrived
        self.open_folder_button.clicked.connect(self.open_folder)
        self.retry_button.clicked.connect(self._request_retry)
        self.close_button.clicked.connect(self.dismiss)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.dismiss, Qt.ShortcutContext.WindowShortcut)
        self.clear()

    @property
    def folder(self) -> Path | None:
        return self._folder

    @property
    def outcome_lines(self) -> list[str]:
        return [self.outcomes.item(row).text() for row in range(self.outcomes.count())]

    def clear(self) -> None:
        self._folder = self._delivery_id = None
        self._ending, self._done = {}, set()
        self.message.clear()
        self.outcomes.clear()
        self.setVisible(False)

    @Slot()
    def dismiss(self) -> None:
        if self.isVisible():
            self.clear()
            self.dismissed.emit()

    def start_several(self, chats: Sequence[ChatSummary]) -> None:
        """One line per chat, "ending…" until its outcome arrives."""
        self._show(None, NEUTRAL, f"Ending {len(chats)} chats…")
        self._ending = {chat.chat_id: f"Chat {chat.chat_id} · {name_or_no_value(chat.customer_name)}" for chat in chats}
        for start in self._ending.values():
            self.outcomes.addItem(f"{start}: ending…")
        self._fit_outcomes()

    @Slot(object)
    def show_outcome(self, outcome: EndChatOutcome) -> None:
        if outcome.chat_id in self._ending:
            row = list(self._ending).index(outcome.chat_id)
            self.outcomes.item(row).setText(f"{self._ending[outcome.chat_id]}: {_outcome_text(outcome)}")
            self._done.add(outcome.chat_id)
            self.message.setText(f"Ending {len(self._ending)} chats… {len(self._done)} done.")

    def finish_several(self, outcomes: Sequence[EndChatOutcome]) -> None:
        ended = [outcome for outcome in outcomes if outcome.result is not None]
        delivered = sum(outcome.delivered for outcome in ended)
        text = f"{len(ended)} of {len(self._ending)} chats ended; {delivered} transcripts delivered."
        if len(ended) < len(self._ending):
            text += f" {len(self._ending) - len(ended)} not ended (see why below)."
        tone = SUCCESS if delivered == len(self._ending) else (ERROR if len(ended) < len(self._ending) else WARNING)
        self._set_tone(tone)
        self.message.setText(text)

    def fail_several(self, reason: str) -> None:
        """The run stopped: the chats without an outcome were not ended."""
        for row, (chat_id, start) in enumerate(self._ending.items()):
            if chat_id not in self._done:
                self.outcomes.item(row).setText(f"{start}: not ended: {reason}")
        self._set_tone(ERROR)
        self.message.setText(f"Ending the chats stopped: {reason}")

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
        self._ending, self._done = {}, set()
        self.outcomes.clear()
        self.outcomes.setVisible(False)
        self._set_tone(tone)
        self.open_folder_button.setVisible(self._folder is not None)
        self.retry_button.setVisible(retry)
        self.set_retrying(False)
        self.setVisible(True)

    def _set_tone(self, tone: str) -> None:
        self.setProperty("tone", tone)
        self.style().unpolish(self)
        self.style().polish(self)

    def _close_button(self) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName("dismissEndChatResult")
        button.setText("✕")
        button.setToolTip("Dismiss (Esc)")
        button.setAccessibleName("Dismiss the outcome")
        button.setAutoRaise(True)
        return button

    def _build_layout(self) -> None:
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(self.open_folder_button)
        row.addWidget(self.retry_button)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.outcomes)

    def _fit_outcomes(self) -> None:
        rows = min(self.outcomes.count(), _MOST_ROWS_SHOWN)
        line = self.outcomes.fontMetrics().height() + 6
        self.outcomes.setFixedHeight(rows * line + 2 * self.outcomes.frameWidth() + 4)
        self.outcomes.setVisible(True)

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


def _outcome_text(outcome: EndChatOutcome) -> str:
    result = outcome.result
    if result is None:
        return f"not ended: {outcome.refusal}"
    if result.status == "delivered":
        return "ended. " + _delivered(result).replace("\n", " ")
    if result.status == "needs-attention":
        return f"ended; its transcript was refused: {result.error} (see Deliveries, then Retry)"
    return f"ended; its transcript is queued: {result.error} (see Deliveries)"
