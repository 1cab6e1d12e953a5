"""Named domain errors. Only the edges (CLI, window) turn them into messages."""

from __future__ import annotations

from datetime import datetime


class ArthurError(Exception):
    """Base of every error the edges show to a person as one clear line."""


class InvalidDatabaseUrl(ArthurError):
    pass


class DatabaseUnavailable(ArthurError):
    pass


class UnknownUser(ArthurError):
    def __init__(self, user_id: int) -> None:
        super().__init__(f"There is no user with id {user_id}.")
        self.user_id = user_id


class UnknownChat(ArthurError):
    def __init__(self, chat_id: int) -> None:
        super().__init__(f"There is no chat with id {chat_id}.")
        self.chat_id = chat_id


class ChatAlreadyEnded(ArthurError):
    def __init__(self, chat_id: int) -> None:
        super().__init__(f"Chat {chat_id} has already ended.")
        self.chat_id = chat_id


class ChatNotStarted(ArthurError):
    def __init__(self, chat_id: int) -> None:
        super().__init__(f"Chat {chat_id} is still waiting for an agent: it was never picked up.")
        self.chat_id = chat_id


class ConfigError(ArthurError):
    pass


class InvalidTimeWindow(ArthurError):
    pass


class ChatNotEnded(ArthurError):
    """A queued delivery's chat is in progress again: another program set its handle_end back to NULL."""

    def __init__(self, chat_id: int) -> None:
        super().__init__(
            f"Chat {chat_id} is in progress again (another program reopened it); "
            "its transcript is delivered when the chat is ended again."
        )
        self.chat_id = chat_id


class ChatStartsLater(ArthurError):
    """Ending now would put the chat's end before its start (its handle_start is in the future)."""

    def __init__(self, chat_id: int, handle_start: datetime, now: datetime) -> None:
        super().__init__(
            f"Chat {chat_id} was picked up at {handle_start:%Y-%m-%d %H:%M:%S} UTC, later than now "
            f"({now:%Y-%m-%d %H:%M:%S} UTC); a chat cannot end before it starts. "
            "Check the clock of the system that records the chats."
        )
        self.chat_id = chat_id


class DeliveryInFlight(ArthurError):
    """A reopened chat was ended again while its earlier transcript is still being delivered."""

    def __init__(self, chat_id: int) -> None:
        super().__init__(
            f"Chat {chat_id}'s earlier transcript is being delivered right now; end the chat again in a moment."
        )
        self.chat_id = chat_id


class InvalidSearchText(ArthurError):
    pass


class SchemaBehind(ArthurError):
    """A shared database (PostgreSQL) older than this version: its administrator upgrades it, never a desktop."""

    def __init__(self, display_url: str, shown: str, head: str) -> None:
        super().__init__(
            f"The database {display_url} is at schema revision {shown} and this version needs {head}: "
            "whoever administers it must first run `arthur-desktop db upgrade`."
        )


class SchemaAhead(ArthurError):
    """A database a newer version brought to a revision this one does not know: refused rather than half-used."""

    def __init__(self, display_url: str, stored: str, head: str) -> None:
        super().__init__(
            f"The database {display_url} is at schema revision {stored}, newer than this version knows (up to "
            f"{head}): use the newer Arthur Desktop, or ask whoever administers it."
        )
