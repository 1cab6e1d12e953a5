"""How the chat list keeps a chat: a plain tuple of strings, numbers and times, the status by its value.

CPython's garbage collector stops tracking such a tuple, so its full passes, which stop the GUI thread, do not grow
with the rows loaded (tests/ui/test_rows_out_of_the_collectors_sight.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from operator import itemgetter
from typing import Any, cast

from services.results import ChatState, ChatStatus, ChatSummary

_FIELDS = tuple(field.name for field in fields(ChatSummary))
_STATUS_AT, _CHAT_ID_AT = _FIELDS.index("status"), _FIELDS.index("chat_id")
_HELD_STATE = itemgetter(*(_FIELDS.index(name) for name in ChatState._fields))  # a kept chat's ChatState values


def keep_chat(chat: ChatSummary) -> tuple[object, ...]:
    values = [getattr(chat, name) for name in _FIELDS]
    values[_STATUS_AT] = chat.status.value
    return tuple(values)


def restore_chat(kept: tuple[Any, ...]) -> ChatSummary:
    values = list(kept)
    values[_STATUS_AT] = ChatStatus(kept[_STATUS_AT])
    return ChatSummary(*values)


def kept_chat_id(kept: tuple[Any, ...]) -> int:
    return cast(int, kept[_CHAT_ID_AT])


def held_states(kept_chats: Iterable[tuple[Any, ...]]) -> list[ChatState]:
    """What these kept chats hold of their state, for the database to compare at a refresh (services.chat_changes)."""
    states = []
    for kept in kept_chats:
        chat_id, status, *rest = _HELD_STATE(kept)
        states.append(ChatState(chat_id, ChatStatus(status), *rest))
    return states
