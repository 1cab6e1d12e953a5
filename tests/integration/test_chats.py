"""The chat list, one chat and a chat's messages, on both engines."""

from __future__ import annotations

import pytest

from seed_data import SEED_DAY, add_chat, add_user
from services.chats import chat_messages, get_chat, list_chats
from services.errors import UnknownChat
from services.results import ChatFilter, ChatStatus
from services.storage.database import Database


def chat_ids(database: Database, chat_filter: ChatFilter | None = None) -> list[int]:
    return [chat.chat_id for chat in list_chats(database.unit_of_work(), chat_filter).chats]


def test_the_list_runs_newest_first_with_status_agent_and_message_count(database: Database) -> None:
    page = list_chats(database.unit_of_work())

    assert [c.chat_id for c in page.chats] == [3, 2, 5, 1, 6, 4]
    assert page.next_cursor is None
    jane = page.chats[1]
    assert (jane.customer_name, jane.agent_name, jane.status, jane.message_count) == (
        "Jane",
        "Test User 1",
        ChatStatus.IN_PROGRESS,
        2,
    )
    john = page.chats[3]
    assert (john.status, john.handling_seconds, john.message_count) == (ChatStatus.ENDED, 300.0, 4)
    julia = page.chats[2]
    assert (julia.status, julia.agent_name, julia.handling_seconds, julia.message_count) == (
        ChatStatus.WAITING,
        None,
        None,
        0,
    )


@pytest.mark.parametrize(
    ("status", "expected"),
    [(ChatStatus.WAITING, [6, 5]), (ChatStatus.IN_PROGRESS, [2]), (ChatStatus.ENDED, [3, 1, 4])],
)
def test_the_list_filters_by_status(database: Database, status: ChatStatus, expected: list[int]) -> None:
    assert chat_ids(database, ChatFilter(status=status)) == expected


def test_the_list_filters_by_agent(database: Database) -> None:
    assert chat_ids(database, ChatFilter(user_id=3)) == [3, 4]
    assert chat_ids(database, ChatFilter(user_id=2)) == []


@pytest.mark.parametrize(
    ("search", "expected"),
    [("ja", [2, 4]), ("JERRY", [3]), ("user 3", [3, 4]), ("  jo  ", [1, 6]), ("nobody", [])],
)
def test_the_search_matches_customer_or_agent_ignoring_case(
    database: Database, search: str, expected: list[int]
) -> None:
    assert chat_ids(database, ChatFilter(search=search)) == expected


def test_percent_and_underscore_in_a_search_are_plain_characters(database: Database) -> None:
    add_chat(database, user_id=None, start=None, seconds=None, customer="100% Real_Name")

    assert len(chat_ids(database, ChatFilter(search="%"))) == 1
    assert len(chat_ids(database, ChatFilter(search="real_name"))) == 1
    # Read as wildcards, both would match "Real".
    assert len(chat_ids(database, ChatFilter(search="e_l"))) == 0
    assert len(chat_ids(database, ChatFilter(search="%real"))) == 0


def test_keyset_pages_cover_every_chat_once_in_order(database: Database) -> None:
    agent = add_user(database, "Pager")
    for _ in range(7):  # several chats share one created time: the chat id breaks the tie
        add_chat(database, user_id=agent, start=SEED_DAY, seconds=10)
    everything = chat_ids(database)

    seen: list[int] = []
    page = list_chats(database.unit_of_work(), limit=4)
    seen += [c.chat_id for c in page.chats]
    while page.next_cursor is not None:
        page = list_chats(database.unit_of_work(), limit=4, after=page.next_cursor)
        seen += [c.chat_id for c in page.chats]

    assert seen == everything
    assert len(seen) == 13


def test_filters_and_paging_combine(database: Database) -> None:
    first = list_chats(database.unit_of_work(), ChatFilter(status=ChatStatus.ENDED), limit=2)
    rest = list_chats(database.unit_of_work(), ChatFilter(status=ChatStatus.ENDED), limit=2, after=first.next_cursor)

    assert [c.chat_id for c in first.chats] + [c.chat_id for c in rest.chats] == [3, 1, 4]
    assert rest.next_cursor is None


def test_a_chats_messages_come_in_sent_order_with_ties_broken_by_id(database: Database) -> None:
    messages = chat_messages(database.unit_of_work(), 3)

    assert [m.message_id for m in messages] == [7, 8, 9]  # 8 and 9 share 09:04:20.540957
    assert [m.from_agent for m in messages] == [False, True, False]
    assert messages[1].text == "Monday to Friday, 9am to 6pm."


def test_a_chat_without_messages_has_an_empty_transcript(database: Database) -> None:
    assert chat_messages(database.unit_of_work(), 5) == ()


def test_one_chat_is_summarised_like_in_the_list(database: Database) -> None:
    listed = {c.chat_id: c for c in list_chats(database.unit_of_work()).chats}

    assert get_chat(database.unit_of_work(), 4) == listed[4]


@pytest.mark.parametrize("call", [get_chat, chat_messages])
def test_an_unknown_chat_is_a_named_error(database: Database, call: object) -> None:
    with pytest.raises(UnknownChat, match="99"):
        call(database.unit_of_work(), 99)  # type: ignore[operator]


def test_a_page_size_below_one_is_refused(database: Database) -> None:
    with pytest.raises(ValueError, match="limit"):
        list_chats(database.unit_of_work(), limit=0)
