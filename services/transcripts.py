"""A chat's transcript as a plain value for the integrations, and as the configured client receives it.

Rows other programs wrote are taken as they are: a message without sent_at shows "--:--" and comes after
the timed ones, one without text is an empty line, a chat without a customer name has an empty one, and a
chat whose recorded end is before its start is delivered saying it took 0 seconds (a warning is logged).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrations.base import TranscriptIntegration
from integrations.transcript import Transcript, TranscriptLine, build_transcript
from services.chats import messages_in_order
from services.errors import ChatNotEnded, ChatNotStarted, UnknownChat
from services.storage.models import Chat, Delivery
from services.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


def started_chat(session: Session, chat_id: int) -> tuple[Chat, datetime]:
    """The chat and when an agent picked it up; raises UnknownChat or ChatNotStarted otherwise."""
    chat = session.get(Chat, chat_id)
    if chat is None:
        raise UnknownChat(chat_id)
    if chat.handle_start is None:
        raise ChatNotStarted(chat_id)
    return chat, chat.handle_start


def load_transcript(session: Session, chat_id: int) -> Transcript:
    """The transcript of an ended chat, to deliver; raises ChatNotEnded for a chat another program reopened."""
    chat, handle_start = started_chat(session, chat_id)
    if chat.handle_end is None:
        raise ChatNotEnded(chat_id)
    lines = _lines(session, chat_id)
    if chat.handle_end < handle_start:
        log.warning(
            "Chat %s ends (%s) before it starts (%s): delivered as 0 seconds", chat_id, chat.handle_end, handle_start
        )
    if any(line.sent_at is None for line in lines):
        log.warning("Chat %s has messages without a time: delivered last, marked --:--", chat_id)
    # A delivery row is created with the chat's first end; a later handle_end means the chat was reopened
    # and ended again, so its transcript is a new one (services.end_chat re-queues the row).
    first_end = session.scalar(select(Delivery.created).where(Delivery.chat_id == chat_id))
    ended_again = first_end is not None and first_end != chat.handle_end
    return build_transcript(
        chat_id, chat.customer_name or "", handle_start, chat.handle_end, lines, ended_again=ended_again
    )


def chat_transcript(chat_id: int, uow: UnitOfWork, integration: TranscriptIntegration) -> str:
    """The text exactly as the configured client would receive it (for a chat in progress: so far)."""
    with uow:
        chat, handle_start = started_chat(uow.session, chat_id)
        lines = _lines(uow.session, chat_id)
        customer_name, handle_end = chat.customer_name or "", chat.handle_end
    return integration.render(build_transcript(chat_id, customer_name, handle_start, handle_end, lines))


def _lines(session: Session, chat_id: int) -> list[TranscriptLine]:
    messages = session.scalars(messages_in_order(chat_id))
    return [TranscriptLine(m.sent_at, m.user_id is not None, m.text or "") for m in messages]
