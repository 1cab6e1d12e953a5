"""Named domain errors. Only the edges (CLI, window) turn them into messages."""

from __future__ import annotations


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
