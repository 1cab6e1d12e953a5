"""A chat's transcript as a plain value for the integrations, and as the configured client receives it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from integrations.base import TranscriptIntegration
from integrations.transcript import Transcript, TranscriptLine, build_transcript
from services.chats import messages_in_order
from services.errors import ChatNotStarted, UnknownChat
from services.models import Chat
from services.unit_of_work import UnitOfWork


def started_chat(session: Session, chat_id: int) -> tuple[Chat, datetime]:
    """The chat and when an agent picked it up; raises UnknownChat or ChatNotStarted otherwise."""
    chat = session.get(Chat, chat_id)
    if chat is None:
        raise UnknownChat(chat_id)
    if chat.handle_start is None:
        raise ChatNotStarted(chat_id)
    return chat, chat.handle_start


def load_transcript(session: Session, chat_id: int) -> Transcript:
    chat, handle_start = started_chat(session, chat_id)
    messages = session.scalars(messages_in_order(chat_id))
    lines = [TranscriptLine(m.sent_at, m.user_id is not None, m.text) for m in messages]
    return build_transcript(chat.chat_id, chat.customer_name, handle_start, chat.handle_end, lines)


def chat_transcript(chat_id: int, uow: UnitOfWork, integration: TranscriptIntegration) -> str:
    """The text exactly as the configured client would receive it (for a chat in progress: so far)."""
    with uow:
        transcript = load_transcript(uow.session, chat_id)
    return integration.render(transcript)
