"""The chat list keeps its loaded rows where Python's garbage collector does not walk them.

A full collection stops every thread, the GUI thread included, for as long as it walks the tracked objects; with
100,000 chats loaded, walking one object per chat and one per row's cells took 27 to 47 ms a pass
(benchmarks/responsiveness.py). The rows are kept as plain tuples, which the collector stops tracking.
"""

from __future__ import annotations

import gc
from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from arthur_desktop.models.chat_model import ChatModel
from services.results import ChatChanges, ChatCursor, ChatPage, ChatStatus, ChatSummary, NewChat

T0 = datetime(2026, 12, 1, 9, 0)  # UTC, naive, as the services give times
STATUSES = (ChatStatus.ENDED, ChatStatus.IN_PROGRESS, ChatStatus.WAITING)


def chat(chat_id: int, status: ChatStatus | None = None) -> ChatSummary:
    status = status or STATUSES[chat_id % 3]
    created = T0 - timedelta(seconds=chat_id)
    start = None if status is ChatStatus.WAITING else created + timedelta(seconds=20)
    end = start + timedelta(minutes=4) if start is not None and status is ChatStatus.ENDED else None
    handling = 240.0 if end is not None else None
    return ChatSummary(
        chat_id,
        f"Customer {chat_id}",
        chat_id % 7,
        f"Agent {chat_id % 7}",
        status,
        created,
        start,
        end,
        handling,
        chat_id % 11,
    )


def tracked_objects() -> int:
    gc.collect()
    return len(gc.get_objects())


def test_loaded_chats_add_nothing_for_the_collector_to_walk(qtbot: QtBot) -> None:
    model = ChatModel()
    model.set_page(page_of_chats(1))
    before = tracked_objects()

    for first in range(201, 6_001, 200):
        page = page_of_chats(first)
        model.append_page(page, model.prepare(page.chats))
    del page  # the last page's chats are the model's alone, as the others'

    assert model.rowCount() == 6_000
    assert tracked_objects() - before < 100  # one tracked object per row would be 5,800


def page_of_chats(first: int) -> ChatPage:
    chats = tuple(chat(i) for i in range(first, first + 200))
    return ChatPage(chats, ChatCursor(chats[-1].created, chats[-1].chat_id))


def test_the_kept_rows_come_back_as_the_chats_they_were(qtbot: QtBot) -> None:
    model = ChatModel()
    chats = tuple(chat(i) for i in range(1, 301))
    model.set_page(ChatPage(chats, None))
    gc.collect()

    assert model.rows == chats
    assert [model.index(row, 0).data(Qt.ItemDataRole.UserRole) for row in range(300)] == list(chats)
    assert {type(c.status) for c in model.rows} == {ChatStatus}
    assert set(model.open_chats()) == {c.chat_id for c in chats if c.status is not ChatStatus.ENDED}


def test_a_refresh_changes_kept_rows_in_place(qtbot: QtBot) -> None:
    model = ChatModel()
    chats = tuple(chat(i) for i in range(1, 31))
    model.set_page(ChatPage(chats, None))
    picked_up = chat(3, ChatStatus.IN_PROGRESS)  # chat 3 was waiting
    newest = chat(0, ChatStatus.WAITING)

    read = ChatChanges((NewChat(newest, None),), (picked_up,), frozenset({5}), 0, complete=True)
    changes = model.prepare_changes(read, model.open_chats())
    changed: list[int] = []
    model.dataChanged.connect(lambda first, _last: changed.append(first.row()))
    model.apply_changes(changes)

    assert [c.chat_id for c in model.rows] == [0, *(c.chat_id for c in chats if c.chat_id != 5)]
    assert model.row_at(model.row_for_key(3) or 0) == picked_up
    assert model.index(model.row_for_key(3) or 0, 3).data() == "In progress"
    assert changed == [2]  # chat 3 in place, where it was (row 2) before chat 0 came in above it
