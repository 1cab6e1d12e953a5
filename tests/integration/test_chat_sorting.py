"""Sorting the chat list in the database: every page of every order matches the database's full sort."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sorting_data import CHATS, reference_order, write_chats_to_sort

from services.chats import list_chats
from services.database import open_database
from services.results import ChatFilter, ChatSort, ChatSortKey, ChatStatus
from services.storage.database import Database

PAGE = 7


@pytest.fixture
def chats_to_sort(bare_database_url: str) -> Iterator[Database]:
    write_chats_to_sort(bare_database_url)
    database = open_database(bare_database_url)
    yield database
    database.dispose()


def paged_order(database: Database, sort: ChatSort | None, chat_filter: ChatFilter | None = None) -> list[int]:
    """Every chat id, read page by page through the keyset cursors."""
    page = list_chats(database.unit_of_work(), chat_filter, limit=PAGE, sort=sort)
    seen = [chat.chat_id for chat in page.chats]
    for _ in range(CHATS):  # a cursor that does not move on would page forever
        if page.next_cursor is None:
            break
        page = list_chats(database.unit_of_work(), chat_filter, limit=PAGE, after=page.next_cursor, sort=sort)
        seen += [chat.chat_id for chat in page.chats]
    return seen


def test_paging_through_every_sort_gives_the_databases_full_order_with_missing_values_last(
    chats_to_sort: Database,
) -> None:
    for key in ChatSortKey:
        for descending in (False, True):
            expected = reference_order(chats_to_sort, key, descending=descending)

            assert paged_order(chats_to_sort, ChatSort(key, descending)) == expected, (key, descending)
            assert len(expected) == CHATS


def test_a_sort_keeps_its_order_within_a_filter(chats_to_sort: Database) -> None:
    ended = ChatFilter(status=ChatStatus.ENDED)
    for key in (ChatSortKey.AGENT_NAME, ChatSortKey.HANDLING_SECONDS, ChatSortKey.CUSTOMER_NAME):
        expected = reference_order(chats_to_sort, key, descending=True, where="c.handle_end IS NOT NULL")

        assert paged_order(chats_to_sort, ChatSort(key, descending=True), ended) == expected, key


def test_the_default_order_is_newest_first_and_the_queue_oldest_first(chats_to_sort: Database) -> None:
    newest_first = reference_order(chats_to_sort, ChatSortKey.CREATED, descending=True)
    waiting = ChatFilter(status=ChatStatus.WAITING)
    queue = reference_order(chats_to_sort, ChatSortKey.CREATED, descending=False, where="c.handle_start IS NULL")

    assert paged_order(chats_to_sort, None) == newest_first
    assert paged_order(chats_to_sort, None, waiting) == queue


def test_missing_values_stay_last_when_the_order_turns(chats_to_sort: Database) -> None:
    for descending in (False, True):
        chats = list_chats(
            chats_to_sort.unit_of_work(), limit=CHATS, sort=ChatSort(ChatSortKey.HANDLING_SECONDS, descending)
        ).chats
        seconds = [chat.handling_seconds for chat in chats]
        present = [value for value in seconds if value is not None]

        assert present == sorted(present, reverse=descending)
        assert seconds == present + [None] * (len(seconds) - len(present))
        assert None in seconds


def test_a_cursor_of_one_order_is_refused_in_another(chats_to_sort: Database) -> None:
    page = list_chats(chats_to_sort.unit_of_work(), limit=PAGE, sort=ChatSort(ChatSortKey.CUSTOMER_NAME))

    with pytest.raises(ValueError, match="another order"):
        list_chats(chats_to_sort.unit_of_work(), limit=PAGE, after=page.next_cursor)
