"""A refresh by difference (services.chat_changes): new chats with the chat they follow, open chats that changed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sorting_data import CHATS, reference_order, write_chats_to_sort
from sqlalchemy import text

from services.chat_changes import chat_changes, chats_by_id, newest_chat_id
from services.chats import list_chats
from services.database import open_database
from services.results import ChatFilter, ChatSort, ChatSortKey, ChatState, ChatStatus
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

    changes = chat_changes(chats_to_sort.unit_of_work(), None, BY_CUSTOMER, newer_than=watermark, known=())

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

    known = [ChatState.of(chat) for chat in shown]

    changes = chat_changes(chats_to_sort.unit_of_work(), in_progress, None, newer_than=watermark, known=known)

    assert changes.gone == {ending, shown[2].chat_id}
    assert [(c.chat_id, c.customer_name) for c in changes.current] == [(renamed, "Renamed")]  # the others as known
    assert changes.new == ()


def test_chats_named_by_a_notice_are_read_as_the_list_shows_them_and_those_no_longer_matching_are_gone(
    chats_to_sort: Database,
) -> None:
    in_progress = ChatFilter(status=ChatStatus.IN_PROGRESS)
    shown = list_chats(chats_to_sort.unit_of_work(), in_progress, limit=CHATS).chats
    ending, renamed, deleted, untouched = (chat.chat_id for chat in shown[:4])
    execute(
        chats_to_sort,
        f"UPDATE chats SET handle_end = '2024-03-04 10:00:00' WHERE chat_id = {ending}",
        f"UPDATE chats SET customer_name = 'Renamed' WHERE chat_id = {renamed}",
        f"DELETE FROM messages WHERE chat_id = {deleted}",
        f"DELETE FROM chats WHERE chat_id = {deleted}",
    )
    add_chat(chats_to_sort, 900, "Newer", ended=False)

    changes = chats_by_id(chats_to_sort.unit_of_work(), in_progress, None, [renamed, ending, deleted, untouched])

    assert changes.gone == {ending, deleted}
    assert {(c.chat_id, c.customer_name) for c in changes.current} == {
        (renamed, "Renamed"),
        (untouched, shown[3].customer_name),
    }
    assert changes.current == tuple(c for c in changes.current if c.status is ChatStatus.IN_PROGRESS)
    assert changes.new == () and changes.newest_id is None and changes.complete  # new chats: the next refresh


def test_more_new_chats_than_asked_for_make_the_changes_incomplete(chats_to_sort: Database) -> None:
    watermark = newest_chat_id(chats_to_sort.unit_of_work())
    for chat_id in range(201, 205):
        add_chat(chats_to_sort, chat_id, f"New {chat_id}", ended=False)

    changes = chat_changes(chats_to_sort.unit_of_work(), None, None, newer_than=watermark, known=(), limit=3)

    assert not changes.complete
    assert [new.chat.chat_id for new in changes.new] == [201, 202, 203]


def open_chats(database: Database) -> list[ChatState]:
    """Every open chat as a list holds it: names missing, in other scripts, agents without a name among them."""
    chats = list_chats(database.unit_of_work(), limit=CHATS).chats
    return [ChatState.of(chat) for chat in chats if chat.status is not ChatStatus.ENDED]


def test_open_chats_as_the_list_holds_them_are_not_read_again(chats_to_sort: Database) -> None:
    known = open_chats(chats_to_sort)
    assert {None, "Émile"} <= {state.customer_name for state in known}  # what a comparison could get wrong
    assert None in {state.agent_name for state in known} and None in {state.user_id for state in known}

    changes = chat_changes(chats_to_sort.unit_of_work(), None, None, newer_than=CHATS, known=known)

    assert changes.current == () and changes.gone == frozenset()


# What another program does to a chat in progress ({chat}: its id, {agent}: a named agent that is not its own).
CHANGES = {
    "ended": "UPDATE chats SET handle_end = '2024-03-04 09:40:00' WHERE chat_id = {chat}",
    "given to another agent": "UPDATE chats SET user_id = {agent} WHERE chat_id = {chat}",
    "a message more": "INSERT INTO messages VALUES (9999, {chat}, 'hello', NULL, NULL)",
    "a message fewer": "DELETE FROM messages WHERE message_id = (SELECT max(message_id) FROM messages "
    "WHERE chat_id = {chat})",
    "customer renamed": "UPDATE chats SET customer_name = 'Zoë ''Q''' WHERE chat_id = {chat}",
    "customer's name removed": "UPDATE chats SET customer_name = CASE WHEN customer_name IS NULL THEN 'Now named' "
    "END WHERE chat_id = {chat}",
}


@pytest.mark.parametrize("change", CHANGES)
def test_an_open_chat_another_program_changed_is_read_again_alone(chats_to_sort: Database, change: str) -> None:
    known = open_chats(chats_to_sort)
    chat = next(s for s in known if s.message_count > 0 and s.user_id is not None)
    agent = next(a for a in (1, 2, 3) if a != chat.user_id)
    execute(chats_to_sort, CHANGES[change].format(chat=chat.chat_id, agent=agent))

    changes = chat_changes(chats_to_sort.unit_of_work(), None, None, newer_than=CHATS, known=known)

    assert [c.chat_id for c in changes.current] == [chat.chat_id]
    assert ChatState.of(changes.current[0]) != chat and changes.gone == frozenset()


def test_an_agent_renamed_reads_again_the_open_chats_of_that_agent_only(chats_to_sort: Database) -> None:
    known = open_chats(chats_to_sort)
    execute(chats_to_sort, "UPDATE users SET name = 'Kimberly' WHERE user_id = 1")

    changes = chat_changes(chats_to_sort.unit_of_work(), None, None, newer_than=CHATS, known=known)

    assert sorted(c.chat_id for c in changes.current) == sorted(s.chat_id for s in known if s.user_id == 1)
    assert {c.agent_name for c in changes.current} == {"Kimberly"}


def test_a_waiting_chat_picked_up_is_read_again_and_leaves_the_queue(chats_to_sort: Database) -> None:
    waiting = ChatFilter(status=ChatStatus.WAITING)
    known = [ChatState.of(chat) for chat in list_chats(chats_to_sort.unit_of_work(), waiting, limit=CHATS).chats]
    picked, left = known[0].chat_id, known[1].chat_id
    execute(chats_to_sort, "INSERT INTO chats (chat_id) VALUES (500)")  # no name, no message: all NULL but its id
    known.append(ChatState(500, ChatStatus.WAITING, None, 0, None, None))
    execute(
        chats_to_sort,
        f"UPDATE chats SET handle_start = '2024-03-04 09:30:00', user_id = 2 WHERE chat_id = {picked}",
        f"UPDATE chats SET handle_start = '2024-03-04 09:30:00', user_id = 2 WHERE chat_id = {left}",
        "DELETE FROM chats WHERE chat_id = 500",
    )

    all_changes = chat_changes(chats_to_sort.unit_of_work(), None, None, newer_than=CHATS, known=known)
    queue_changes = chat_changes(chats_to_sort.unit_of_work(), waiting, None, newer_than=CHATS, known=known)

    assert {(c.chat_id, c.status, c.agent_name) for c in all_changes.current} == {
        (picked, ChatStatus.IN_PROGRESS, "al"),
        (left, ChatStatus.IN_PROGRESS, "al"),
    }
    assert all_changes.gone == {500}
    assert queue_changes.current == () and queue_changes.gone == {picked, left, 500}


def test_a_chat_given_from_one_unnamed_agent_to_another_is_read_again(chats_to_sort: Database) -> None:
    execute(
        chats_to_sort,
        "INSERT INTO users VALUES (5, NULL)",
        "INSERT INTO chats (chat_id, user_id, handle_start) VALUES (501, 4, '2024-03-04 09:00:00')",
    )
    known = [state for state in open_chats(chats_to_sort) if state.chat_id == 501]
    execute(chats_to_sort, "UPDATE chats SET user_id = 5 WHERE chat_id = 501")  # the agent's name: NULL, as before

    changes = chat_changes(chats_to_sort.unit_of_work(), None, None, newer_than=501, known=known)

    assert [(c.chat_id, c.user_id, c.agent_name) for c in changes.current] == [(501, 5, None)]
