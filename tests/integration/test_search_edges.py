"""The chat search at its edges, on both engines: case of any script, and text no name can hold."""

from __future__ import annotations

import pytest

from seed_data import add_chat, add_user
from services.chats import list_chats
from services.errors import InvalidSearchText
from services.results import ChatFilter
from services.storage.database import Database


def found(database: Database, search: str) -> list[str]:
    page = list_chats(database.unit_of_work(), ChatFilter(search=search))
    return sorted(chat.customer_name or "" for chat in page.chats)


@pytest.mark.parametrize("search", ["oë", "OË", "zoë", "ZOË", "Ë", "ë"])
def test_customer_names_match_ignoring_the_case_of_any_script_however_short(database: Database, search: str) -> None:
    add_chat(database, user_id=None, start=None, seconds=None, customer="ZOË")

    assert found(database, search) == ["ZOË"]


@pytest.mark.parametrize("search", ["åsa", "ÅSA", "Ås", "bjö", "BJÖRK"])
def test_agent_names_match_ignoring_the_case_of_any_script(database: Database, search: str) -> None:
    agent = add_user(database, "Åsa Björk")
    add_chat(database, user_id=agent, start=None, seconds=None, customer="Mallory")

    assert found(database, search) == ["Mallory"]


def test_the_search_still_ignores_ascii_case_and_misses_what_is_not_there(database: Database) -> None:
    add_chat(database, user_id=None, start=None, seconds=None, customer="ZOË")

    assert found(database, "zo") == ["ZOË"]
    assert found(database, "zoe") == []


@pytest.mark.parametrize("search", ["a\x00b", "\x00", "caf\udce9"])
def test_text_no_name_can_hold_is_refused_with_one_message(database: Database, search: str) -> None:
    with pytest.raises(InvalidSearchText) as refused:
        list_chats(database.unit_of_work(), ChatFilter(search=search))

    assert len(str(refused.value).splitlines()) == 1
