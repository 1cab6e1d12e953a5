"""Ending several chats at once: each is ended and delivered on its own, through the outbox, and a refusal or a
failure of one does not stop the others."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from integrations.base import TranscriptIntegration
from services.clock import utc_now
from services.end_chat import end_chat
from services.errors import ArthurError
from services.results import EndChatResult
from services.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EndChatOutcome:
    """One chat's outcome: result when it was ended (its transcript delivered or queued), else why not."""

    chat_id: int
    result: EndChatResult | None
    refusal: str | None

    @property
    def delivered(self) -> bool:
        return self.result is not None and self.result.status == "delivered"


def end_chats(
    chat_ids: Iterable[int],
    uow: UnitOfWork,
    integration: TranscriptIntegration,
    *,
    clock: Callable[[], datetime] = utc_now,
    on_outcome: Callable[[EndChatOutcome], object] = lambda outcome: None,
) -> list[EndChatOutcome]:
    """End each chat in order, each in its own transaction, once even if named twice. A stop (Ctrl-C, a signal)
    ends the run: the chats ended so far stay ended and their deliveries recorded."""
    outcomes = []
    for chat_id in dict.fromkeys(chat_ids):
        try:
            outcome = EndChatOutcome(chat_id, end_chat(chat_id, uow, integration, clock=clock), None)
        except ArthurError as exc:
            log.info("Chat %s was not ended: %s", chat_id, exc)
            outcome = EndChatOutcome(chat_id, None, str(exc))
        outcomes.append(outcome)
        on_outcome(outcome)
    return outcomes
