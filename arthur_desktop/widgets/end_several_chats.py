"""Ending several chats: one confirmation naming them, then each ended and delivered on its own off the GUI thread,
its outcome reported as it arrives."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from arthur_desktop.workers import TaskRunner
from integrations.base import TranscriptIntegration
from services.end_chats import end_chats
from services.formatting import name_or_no_value
from services.results import ChatSummary
from services.storage.database import Database

_MOST_NAMED = 8


def confirm_end_chats(parent: QWidget, chats: Sequence[ChatSummary], destination: str) -> bool:
    """Yes ends them all; Cancel (the default, and Enter or Esc) ends none."""
    named = [f"Chat {chat.chat_id} with {name_or_no_value(chat.customer_name)}" for chat in chats[:_MOST_NAMED]]
    if len(chats) > _MOST_NAMED:
        named.append(f"… and {len(chats) - _MOST_NAMED} more")
    listed = "\n".join(named)
    answer = QMessageBox.question(
        parent,
        "End chats",
        f"End {len(chats)} chats?\n\n{listed}\n\nEach transcript will be sent to {destination}.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


class SeveralChatsEnder(QObject):
    """Lives on the GUI thread, so an outcome emitted on the worker's thread reaches the slots there, in order,
    and before the run's end."""

    outcome = Signal(object)  # EndChatOutcome, as each chat's arrives
    finished = Signal(object)  # list[EndChatOutcome]
    failed = Signal(object)  # the exception that stopped the run

    def __init__(
        self, database: Database, integration: TranscriptIntegration, runner: TaskRunner, parent: QObject
    ) -> None:
        super().__init__(parent)
        self._database, self._integration, self._runner = database, integration, runner

    def start(self, chat_ids: Sequence[int], *, key: str) -> None:
        database, integration, emit_outcome, ids = self._database, self._integration, self.outcome.emit, list(chat_ids)
        self._runner.start(
            lambda: end_chats(ids, database.unit_of_work(), integration, on_outcome=emit_outcome),
            self.finished.emit,
            self.failed.emit,
            key=key,
        )
