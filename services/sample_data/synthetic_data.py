"""Realistic synthetic chats for a busy contact centre: who, when, how long, and what was said."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

FIRST_NAMES = (
    "Aoife",
    "Ciarán",
    "Siobhán",
    "Liam",
    "Emma",
    "Noah",
    "Olivia",
    "Jack",
    "Sophie",
    "Conor",
    "Zoë",
    "José",
    "María",
    "Ørjan",
    "Søren",
    "Ana",
    "Björn",
    "Chloé",
    "Dmitri",
    "Élodie",
    "Fatima",
    "Grace",
    "Hiroshi",
    "Ines",
    "Jamal",
    "Katarzyna",
    "Luca",
    "Mei",
    "Nikolai",
    "Oisín",
    "Priya",
    "Quentin",
    "Rosa",
    "Sean",
    "Tomás",
    "Uma",
    "Valentina",
    "Wei",
    "Ximena",
    "Yusuf",
    "李",
    "Анна",
    "محمد",
    "Ahmed",
    "Beatriz",
    "Caoimhe",
    "Declan",
    "Eimear",
)
LAST_NAMES = (
    "Murphy",
    "Kelly",
    "O'Sullivan",
    "Walsh",
    "Smith",
    "O'Brien",
    "Byrne",
    "Ryan",
    "O'Connor",
    "García",
    "Müller",
    "Rossi",
    "Nowak",
    "Kowalski",
    "Dubois",
    "Silva",
    "Tanaka",
    "Nguyen",
    "Hansen",
    "Jensen",
    "Petrov",
    "Novak",
    "Fernández",
    "Costa",
    "Lee",
    "Kim",
    "Chen",
    "Patel",
    "Singh",
    "Brown",
    "Wilson",
    "Taylor",
    "Ó Briain",
    "雷",
    "Иванова",
    "Haddad",
    "de la Cruz",
    "van der Berg",
    "MacDonald",
    "Fitzgerald",
)
CUSTOMER_LINES = (
    "Hello, I need to cancel my reservation.",
    "Your website is giving me an error.",
    "What are your opening hours?",
    "I'd like to make a complaint.",
    "Can I change the date of my booking?",
    "My payment was taken twice.",
    "Is there a charge for an extra bag?",
    "Thanks, that's great.",
    "OK I'll do that.",
    "Sound, thanks.",
)
AGENT_LINES = (
    "I can do that.",
    "Sorry to hear that, what is the error?",
    "Monday to Friday, 9am to 6pm.",
    "Please fill out a complaint form.",
    "Let me check that for you.",
    "That has been cancelled.",
    "I've refunded the second payment.",
    "Is there anything else I can help with?",
)
SHARE_WAITING = 0.005
SHARE_IN_PROGRESS = 0.01
RECENT = timedelta(hours=2)
YEAR = timedelta(days=365)


@dataclass(frozen=True)
class SyntheticChat:
    chat_id: int
    created: datetime
    customer_name: str
    user_id: int | None
    handle_start: datetime | None
    handle_end: datetime | None


@dataclass(frozen=True)
class SyntheticMessage:
    message_id: int
    chat_id: int
    text: str
    user_id: int | None
    sent_at: datetime


def whole_milliseconds(moment: datetime) -> datetime:
    """Times to the millisecond, as SQLite's date functions read them, so durations worked out here and by either
    database are the same."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def first_response_seconds(chat: SyntheticChat, messages: list[SyntheticMessage]) -> float | None:
    """As the database works it out (services.storage.first_response), for a chat's messages in transcript order."""
    timed = sorted((m for m in messages if m.sent_at is not None), key=lambda m: (m.sent_at, m.message_id))
    answer = next((m for m in timed if m.user_id is not None), None)
    if answer is None:
        return None
    asked = timed[0].sent_at if timed[0].user_id is None else chat.handle_start
    return None if asked is None else round((answer.sent_at - asked).total_seconds(), 3)


class ChatFactory:
    """Deterministic for a given seed, so a benchmark database can be rebuilt identically."""

    def __init__(self, agent_ids: list[int], now: datetime, seed: int | str) -> None:
        self._agents = agent_ids
        self._now = now
        self._random = random.Random(seed)

    def chat(self, chat_id: int) -> SyntheticChat:
        rng = self._random
        roll = rng.random()
        waiting, in_progress = roll < SHARE_WAITING, SHARE_WAITING <= roll < SHARE_WAITING + SHARE_IN_PROGRESS
        window = RECENT if waiting or in_progress else YEAR
        created = whole_milliseconds(self._now - window * rng.random())
        customer = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if waiting:
            return SyntheticChat(chat_id, created, customer, None, None, None)
        handle_start = whole_milliseconds(
            min(created + timedelta(seconds=min(rng.expovariate(1 / 60), 1_800)), self._now)
        )
        handle_end = None if in_progress else handle_start + timedelta(seconds=self._handling_seconds())
        return SyntheticChat(chat_id, created, customer, rng.choice(self._agents), handle_start, handle_end)

    def messages(self, chat: SyntheticChat, count: int, first_id: int) -> Iterator[SyntheticMessage]:
        """count messages spread over the chat, the customer first, then taking turns with the agent."""
        start = chat.handle_start or chat.created
        end = chat.handle_end or max(self._now, start)
        step = (end - start) / max(count, 1)
        for i in range(count):
            from_agent = chat.user_id is not None and i % 2 == 1
            text = self._random.choice(AGENT_LINES if from_agent else CUSTOMER_LINES)
            user_id = chat.user_id if from_agent else None
            yield SyntheticMessage(first_id + i, chat.chat_id, text, user_id, whole_milliseconds(start + step * i))

    def _handling_seconds(self) -> float:
        # Log-normal: most chats take minutes, a long tail takes hours (median six minutes).
        seconds = self._random.lognormvariate(math.log(360), 0.9)
        return round(min(max(seconds, 5.0), 6 * 3_600.0), 3)
