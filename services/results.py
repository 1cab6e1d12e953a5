"""Frozen results that services hand to the edges; ORM objects never leave services.

Names and times that other programs may leave NULL in the brief's tables (users.name, chats.customer_name,
chats.created, messages.text, messages.sent_at) are None here; the edges show them as "—" or an empty field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple


class ChatStatus(StrEnum):
    WAITING = "waiting"
    IN_PROGRESS = "in-progress"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return {"waiting": "Waiting", "in-progress": "In progress", "ended": "Ended"}[self.value]


@dataclass(frozen=True)
class UserInfo:
    user_id: int
    name: str | None


@dataclass(frozen=True)
class TimeWindow:
    """Chats whose handle_end falls in [start, end); either side may be open."""

    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class AgentPerformance:
    """Handled chats and handling time count the chats ended in the window (by handle_end); wait and first
    response count the chats created in it. None: no chat to measure (not zero, which would read as instant)."""

    user_id: int
    name: str | None
    chats_handled: int
    chats_in_progress: int
    average_handling_seconds: float | None
    median_handling_seconds: float | None
    average_wait_seconds: float | None = None
    median_wait_seconds: float | None = None
    average_first_response_seconds: float | None = None
    median_first_response_seconds: float | None = None


@dataclass(frozen=True)
class ChatSummary:
    chat_id: int
    customer_name: str | None
    user_id: int | None
    agent_name: str | None
    status: ChatStatus
    created: datetime | None
    handle_start: datetime | None
    handle_end: datetime | None
    handling_seconds: float | None
    message_count: int


class ChatState(NamedTuple):
    """What a loaded list holds of a chat that may still change. At a refresh the database compares these with
    the chat as it is now (services.chat_changes), and the chat is read again only if one of them differs."""

    chat_id: int
    status: ChatStatus
    user_id: int | None
    message_count: int
    customer_name: str | None
    agent_name: str | None

    @classmethod
    def of(cls, chat: ChatSummary) -> ChatState:
        return cls(chat.chat_id, chat.status, chat.user_id, chat.message_count, chat.customer_name, chat.agent_name)


@dataclass(frozen=True)
class ChatFilter:
    status: ChatStatus | None = None
    user_id: int | None = None
    search: str | None = None


class ChatSortKey(StrEnum):
    """What the chat list can be sorted by: the fields of a ChatSummary (the CLI's JSON names)."""

    CHAT_ID = "chat_id"
    CUSTOMER_NAME = "customer_name"
    USER_ID = "user_id"
    AGENT_NAME = "agent_name"
    STATUS = "status"  # waiting, in progress, ended: the order a chat goes through
    CREATED = "created"
    HANDLE_START = "handle_start"
    HANDLE_END = "handle_end"
    HANDLING_SECONDS = "handling_seconds"
    MESSAGE_COUNT = "message_count"


@dataclass(frozen=True)
class ChatSort:
    """An order of the whole list; ties by chat_id in the same direction; missing values last either way."""

    key: ChatSortKey = ChatSortKey.CREATED
    descending: bool = True


NEWEST_FIRST = ChatSort()
OLDEST_FIRST = ChatSort(ChatSortKey.CREATED, descending=False)


@dataclass(frozen=True)
class ChatCursor:
    """Keyset position: the sort value and chat_id of the last row of a page, and the order it belongs to.

    value None: the row is among those without a value, which come after all others, by chat_id.
    On SQLite, stored_value is a time exactly as stored: other programs may store shorter forms than
    '2024-01-01 11:00:00.000000', which compare with it as text, so the next page starts from the row itself.
    """

    value: object
    chat_id: int
    stored_value: str | None = None
    sort: ChatSort | None = None  # None: the list's default order for its filter


@dataclass(frozen=True)
class ChatPage:
    chats: tuple[ChatSummary, ...]
    next_cursor: ChatCursor | None


@dataclass(frozen=True)
class NewChat:
    """A chat added since a list was read, and the chat it now comes right after (None: it comes first)."""

    chat: ChatSummary
    after: int | None


@dataclass(frozen=True)
class ChatChanges:
    """What changed in a loaded list since it was read (services.chat_changes).

    new: the matching chats added since, each with the chat it follows; current: the re-read chats that still
    match the filter; gone: the re-read ones that no longer exist or no longer match it; newest_id: the
    highest chat id now, for the next time. complete False: more new chats than asked for: read the list again.
    """

    new: tuple[NewChat, ...]
    current: tuple[ChatSummary, ...]
    gone: frozenset[int]
    newest_id: int | None
    complete: bool


@dataclass(frozen=True)
class ChatMessage:
    message_id: int
    chat_id: int
    user_id: int | None
    text: str | None
    sent_at: datetime | None

    @property
    def from_agent(self) -> bool:
        return self.user_id is not None


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    FAILED = "failed"  # retried automatically (at start-up, by "Retry all" and `deliveries --retry`)
    NEEDS_ATTENTION = "needs-attention"  # the client refused it: retried only by hand, once the cause is fixed
    UNKNOWN = "unknown"  # a status another program wrote: shown, never retried automatically

    @classmethod
    def read(cls, stored: str) -> DeliveryStatus:
        """The stored status; UNKNOWN for one this version does not know (written by another program)."""
        try:
            return cls(stored)
        except ValueError:
            return cls.UNKNOWN


@dataclass(frozen=True)
class DeliveryRecord:
    """One transcript delivery of the outbox: recorded with the ended chat, then delivered or failed."""

    delivery_id: int
    chat_id: int
    customer_name: str | None
    client: str
    status: DeliveryStatus
    attempts: int  # requests sent (or files written), the integration's own retries included
    created: datetime
    updated: datetime
    path: str | None
    http_status: int | None
    response: str | None
    error: str | None


@dataclass(frozen=True)
class EndChatResult:
    chat_id: int
    delivery_id: int
    client: str
    # "delivered"; "queued" when the delivery failed and waits for a retry; "needs-attention" when the client
    # refused it, so that it waits for a person to fix the configuration and retry it.
    status: str
    ended_at: datetime
    path: str | None
    http_status: int | None
    response: str | None
    error: str | None
