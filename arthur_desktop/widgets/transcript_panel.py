"""The selected chat's transcript as the client will receive it, and the End chat button (End N chats when several
are selected). The outcome of an end stays in view, with the ended chat's transcript, until the manager dismisses
it or acts again, even when the chat list refreshes without the chat."""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from arthur_desktop.messages import error_message
from arthur_desktop.widgets.end_chat_result import EndChatResultBox
from arthur_desktop.widgets.end_several_chats import SeveralChatsEnder, confirm_end_chats
from arthur_desktop.widgets.panel_header import panel_header
from arthur_desktop.workers import TaskRunner
from integrations.base import TranscriptIntegration
from services import deliveries
from services.end_chat import chat_transcript, end_chat
from services.end_chats import EndChatOutcome
from services.errors import ChatNotStarted
from services.formatting import name_or_no_value
from services.results import ChatStatus, ChatSummary, DeliveryRecord, EndChatResult
from services.storage.database import Database

log = logging.getLogger(__name__)

NO_SELECTION = "Select a chat to see its transcript."
WAITING = "Waiting for an agent — no transcript yet."
LOADING = "Loading the transcript…"


class TranscriptPanel(QWidget):
    chat_ended = Signal(object)  # EndChatResult
    chats_ended = Signal(object)  # list[EndChatOutcome], when several chats were ended
    end_refused = Signal(str)
    delivery_retried = Signal(object)  # DeliveryRecord
    can_end_changed = Signal(bool)  # whether End chat is possible now, for the menu's action

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
        self._chat: ChatSummary | None = None
        self._selected: tuple[ChatSummary, ...] = ()
        self._ending = False
        self._keep_outcome = False  # an outcome is shown: the list losing its selection leaves it (and the chat)
        self._selection_lost = False
        self._several = SeveralChatsEnder(database, integration, runner, self)
        self.caption = QLabel(self)
        self.caption.setObjectName("transcriptCaption")
        self.view = self._transcript_view()
        self.end_chat_button = QPushButton("End chat", self)
        self.end_chat_button.setObjectName("endChatButton")
        self.end_chat_button.setAccessibleName("End chat")
        self.end_chat_button.setToolTip("End the selected chat and send its transcript to the client")
        self.busy_indicator = QProgressBar(self)
        self.busy_indicator.setObjectName("endChatBusy")
        self.busy_indicator.setRange(0, 0)
        self.busy_indicator.setMaximumWidth(160)
        self.busy_label = QLabel("Ending chat…", self)
        self.result_box = EndChatResultBox(self)
        self._build_layout()
        self._set_busy(False)
        self.show_chat(None)
        self.end_chat_button.clicked.connect(self.end_selected_chat)
        self.result_box.retry_requested.connect(self.retry_delivery)
        self.result_box.dismissed.connect(self._outcome_dismissed)
        self._several.outcome.connect(self.result_box.show_outcome)
        self._several.finished.connect(self._show_several_ended)
        self._several.failed.connect(self._show_several_failure)

    @property
    def chat(self) -> ChatSummary | None:
        return self._chat

    @Slot(object)
    def show_chat(self, chat: ChatSummary | None) -> None:
        """Show this chat; the same chat with changed data reloads its transcript but keeps the result. None
        while an outcome is shown (the list refreshed without the ended chat) keeps the outcome and the chat."""
        self._selection_lost = chat is None
        if chat is None and (self._keep_outcome or self._ending):
            self._update_button()  # a chat the list no longer shows is not ended from here
            return
        if chat is not None and chat == self._chat:
            return
        same_chat = chat is not None and self._chat is not None and chat.chat_id == self._chat.chat_id
        self._chat = chat
        if not same_chat and not self._ending:
            self._keep_outcome = False
            self.result_box.clear()
        self._update_caption()
        self._update_button()
        self._load_transcript(keep_text=same_chat)

    @Slot(tuple)
    def set_selection(self, chats: tuple[ChatSummary, ...]) -> None:
        """Every chat selected in the list; with several, End chat ends those in progress."""
        self._selected = chats
        self._update_button()

    def chats_to_end(self) -> tuple[ChatSummary, ...]:
        """With several chats selected, those in progress; else the chat shown, when it can be ended."""
        if len(self._selected) > 1:
            return tuple(chat for chat in self._selected if chat.status is ChatStatus.IN_PROGRESS)
        chat = None if self._selection_lost else self._chat
        return (chat,) if chat is not None and chat.status is ChatStatus.IN_PROGRESS else ()

    @Slot()
    def end_selected_chat(self) -> None:
        chats = () if self._ending else self.chats_to_end()
        if len(chats) > 1:
            self._end_several(chats)
            return
        if not chats or not self._confirm_end(chats[0]):
            return
        database, integration, chat_id = self._database, self._integration, chats[0].chat_id
        self._set_busy(True)
        self._runner.start(
            lambda: end_chat(chat_id, database.unit_of_work(), integration),
            self._show_end_result,
            self._show_end_refusal,
            key="end-chat",
        )

    @Slot(int)
    def retry_delivery(self, delivery_id: int) -> None:
        database, integration = self._database, self._integration
        self._runner.start(
            lambda: deliveries.retry_delivery(delivery_id, database.unit_of_work(), integration),
            self._show_retried,
            self._show_retry_failure,
            key="retry-chat-delivery",
        )

    def _transcript_view(self) -> QPlainTextEdit:
        view = QPlainTextEdit(self)
        view.setObjectName("transcriptView")
        view.setAccessibleName("Transcript")
        view.setReadOnly(True)
        view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        return view

    def _build_layout(self) -> None:
        actions = QHBoxLayout()
        actions.addWidget(self.busy_indicator)
        actions.addWidget(self.busy_label)
        actions.addStretch(1)
        actions.addWidget(self.end_chat_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(panel_header("Transcript", self.caption))
        layout.addWidget(self.view, 1)
        layout.addWidget(self.result_box)
        layout.addLayout(actions)

    def _confirm_end(self, chat: ChatSummary) -> bool:
        answer = QMessageBox.question(
            self,
            "End chat",
            f"End chat {chat.chat_id} with {name_or_no_value(chat.customer_name)}?\n\n"
            f"The transcript will be sent to {self._integration.describe()}.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _end_several(self, chats: tuple[ChatSummary, ...]) -> None:
        if confirm_end_chats(self, chats, self._integration.describe()):
            self._set_busy(True)
            self._keep_outcome = True
            self.result_box.start_several(chats)
            self._several.start([chat.chat_id for chat in chats], key="end-chat")

    def _set_busy(self, busy: bool) -> None:
        self._ending = busy
        self.busy_indicator.setVisible(busy)
        self.busy_label.setVisible(busy)
        self._update_button()

    def _update_button(self) -> None:
        chats = self.chats_to_end()
        can_end = bool(chats) and not self._ending
        self.end_chat_button.setText(f"End {len(chats)} chats" if len(chats) > 1 else "End chat")
        self.end_chat_button.setAccessibleName(self.end_chat_button.text())
        self.end_chat_button.setEnabled(can_end)
        self.can_end_changed.emit(can_end)

    def _update_caption(self) -> None:
        chat = self._chat
        if chat is None:
            self.caption.clear()
            return
        customer, agent = name_or_no_value(chat.customer_name), name_or_no_value(chat.agent_name)
        self.caption.setText(f"Chat {chat.chat_id} · {customer} · {chat.status.label} · {agent}")

    def _load_transcript(self, *, keep_text: bool) -> None:
        chat = self._chat
        self._runner.cancel("transcript")
        if chat is None or chat.status is ChatStatus.WAITING:
            self._show_placeholder(NO_SELECTION if chat is None else WAITING)
            return
        self._show_placeholder(LOADING, keep_text=keep_text)
        database, integration, chat_id = self._database, self._integration, chat.chat_id
        self._runner.start(
            lambda: chat_transcript(chat_id, database.unit_of_work(), integration),
            self._show_transcript,
            self._show_transcript_failure,
            key="transcript",
        )

    def _show_placeholder(self, text: str, *, keep_text: bool = False) -> None:
        if not keep_text:
            self.view.clear()
        self.view.setPlaceholderText(text)

    @Slot(object)
    def _show_transcript(self, text: str) -> None:
        if self.view.toPlainText() != text:
            self.view.setPlainText(text)

    @Slot(object)
    def _show_transcript_failure(self, error: object) -> None:
        self.view.clear()
        self.view.setPlaceholderText(WAITING if isinstance(error, ChatNotStarted) else error_message(error))

    @Slot(object)
    def _show_end_result(self, result: EndChatResult) -> None:
        self._set_busy(False)
        self._keep_outcome = True
        self.result_box.show_end_result(result)
        if self._chat is not None and self._chat.chat_id == result.chat_id:
            self._reload_chat(replace(self._chat, status=ChatStatus.ENDED, handle_end=result.ended_at))
        self.chat_ended.emit(result)

    @Slot(object)
    def _show_end_refusal(self, error: object) -> None:
        self._set_busy(False)
        self._keep_outcome = True
        message = error_message(error)
        self.result_box.show_refusal(message)
        self.end_refused.emit(message)

    @Slot(object)
    def _show_several_ended(self, outcomes: list[EndChatOutcome]) -> None:
        self._set_busy(False)
        self.result_box.finish_several(outcomes)
        ended = {outcome.chat_id: outcome.result for outcome in outcomes if outcome.result is not None}
        result = None if self._chat is None else ended.get(self._chat.chat_id)
        if self._chat is not None and result is not None:
            self._reload_chat(replace(self._chat, status=ChatStatus.ENDED, handle_end=result.ended_at))
        self.chats_ended.emit(outcomes)

    @Slot(object)
    def _show_several_failure(self, error: object) -> None:
        self._set_busy(False)
        message = error_message(error)
        self.result_box.fail_several(message)
        self.end_refused.emit(message)

    @Slot()
    def _outcome_dismissed(self) -> None:
        """The manager closed the outcome: a chat the list no longer shows goes too."""
        self._keep_outcome = False
        if self._selection_lost:
            self.show_chat(None)

    def _reload_chat(self, chat: ChatSummary) -> None:
        """The chat on show, ended: its transcript now ends with the handling time; the outcome stays."""
        keep_lost, self._selection_lost = self._selection_lost, False
        self.show_chat(chat)
        self._selection_lost = keep_lost

    @Slot(object)
    def _show_retried(self, record: DeliveryRecord) -> None:
        self.result_box.show_delivery(record)
        self.delivery_retried.emit(record)

    @Slot(object)
    def _show_retry_failure(self, error: object) -> None:
        self.result_box.show_refusal(error_message(error))
