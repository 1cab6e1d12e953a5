"""A refresh by difference (services.chat_changes): new chats with the chat they follow, open chats re-read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sorting_data import CHATS, reference_order, write_chats_to_sort
from sqlalchemy import text

from services.chat_changes import chat_changes, newest_chat_id
from services.chats import list_chats
from services.database import open_database
from services.results import ChatFilter, ChatSort, ChatSortKey, ChatStatus
from services.storage.database import Database

BY_CUSTOMER = ChatSort(ChatSortKey.CUSTOMER_NAME, descending=False)


@pytest.fixture
def chats_to_sort(bare_database_url: str) -> Iterator[Database]:
    write_chats_to_sort(bare_database_url)
    database = open_database(bare_database_url)
    yield database
    database.dispose()


def execute(database: Database, *statements: str) -> None:
    with database.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def add_chat(database: Database, chat_id: int, customer: str | None, *, ended: bool = True) -> None:
    name = "NULL" if customer is None else f"'{customer}'"
    end = "'2024-03-04 09:10:00'" if ended else "NULL"
    execute(
        database,
        "INSERT INTO chats (chat_id, created, customer_name, user_id, handle_start, handle_end) "
        f"VALUES ({chat_id}, '2024-03-04 09:00:00', {name}, 1, '2024-03-04 09:01:00', {end})",
    )


def test_new_chats_come_with_the_chat_they_follow_so_the_list_becomes_the_databases_order(
    chats_to_sort: Database,
) -> None:
    watermark = newest_chat_id(chats_to_sort.unit_of_work())
    shown = [c.chat_id for c in list_chats(chats_to_sort.unit_of_work(), limit=CHATS, sort=BY_CUSTOMER).chats]
    for chat_id, customer in ((101, "Aaron"), (102, "Cara"), (103, "Cara"), (104, None), (105, "Zzz")):
        add_chat(chats_to_sort, chat_id, customer)

    changes = chat_changes(chats_to_sort.unit_of_work(), None, BY_CUSTOMER, newer_than=watermark, reread=())

    assert [new.chat.chat_id for new in changes.new] == [101, 102, 103, 104, 105]
    for new in changes.new:  # what the window does: each right after the chat it follows
        shown.insert(0 if new.after is None else shown.index(new.after) + 1, new.chat.chat_id)
    assert shown == reference_order(chats_to_sort, ChatSortKey.CUSTOMER_NAME, descending=False)
    assert changes.newest_id == 105 and changes.complete


def test_open_chats_are_read_again_and_those_no_longer_matching_are_gone(chats_to_sort: Database) -> None:
    in_progress = ChatFilter(status=ChatStatus.IN_PROGRESS)
    shown = list_chats(chats_to_sort.unit_of_work(), in_progress, limit=CHATS).chats
    ending, renamed = shown[0].chat_id, shown[1].chat_id
    execute(
        chats_to_sort,
        f"UPDATE chats SET handle_end = '2024-03-04 10:00:00' WHERE chat_id = {ending}",
        f"UPDATE chats SET customer_name = 'Renamed' WHERE chat_id = {renamed}",
        f"DELETE FROM messages WHERE chat_id = {shown[2].chat_id}",
        f"DELETE FROM chats WHERE chat_id = {shown[2].chat_id}",
    )
    watermark = newest_chat_id(chats_to_sort.unit_of_work())

    changes = chat_changes(
        chats_to_sort.unit_of_work(), in_progress, None, newer_than=watermark, reread=[c.chat_id for c in shown]
    )

    assert changes.gone == {ending, shown[2].chat_id}
    assert {c.chat_id: c.customer_name for c in changes.current}[renamed] == "Renamed"
    assert len(changes.current) == len(shown) - 2 and changes.new == ()


def test_more_new_chats_than_asked_for_make_the_changes_incomplete(chats_to_sort: Database) -> None:
    watermark = newest_chat_id(chats_to_sort.unit_of_work())
    for chat_id in range(201, 205):
        add_chat(chats_to_sort, chat_id, f"New {chat_id}", ended=False)

    changes = chat_changes(chats_to_sort.unit_of_work(), None, None, newer_than=watermark, reread=(), limit=3)

    assert not changes.complete
    assert [new.chat.chat_id for new in changes.new] == [201, 202, 203]
