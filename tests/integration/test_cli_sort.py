"""--sort COLUMN[:desc] for chats and performance: the whole list in that order, empty values last either way."""

from __future__ import annotations

import json

import pytest
from sorting_data import reference_order, write_chats_to_sort

from arthur_desktop.cli.main import main
from other_programs import table_rows
from services.database import open_database
from services.results import ChatSortKey


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def url_to_sort(bare_database_url: str) -> str:
    write_chats_to_sort(bare_database_url)
    return bare_database_url


@pytest.mark.parametrize(("option", "descending"), [("handling_seconds", False), ("agent_name:desc", True)])
def test_chats_sorted_by_a_column_come_in_the_databases_order(
    capsys: pytest.CaptureFixture[str], url_to_sort: str, option: str, descending: bool
) -> None:
    code, out, err = run(
        capsys, "--database-url", url_to_sort, "chats", "--sort", option, "--limit", "61", "--format", "json"
    )

    database = open_database(url_to_sort)
    key = ChatSortKey(option.split(":")[0])
    expected = reference_order(database, key, descending=descending)
    database.dispose()
    assert (code, err) == (0, "")
    assert [chat["chat_id"] for chat in json.loads(out)] == expected


@pytest.mark.parametrize("direction", ["", ":desc"])
def test_performance_sorted_by_a_median_puts_agents_without_one_last(
    capsys: pytest.CaptureFixture[str], database_url: str, direction: str
) -> None:
    sort = f"median_handling_seconds{direction}"
    code, out, err = run(capsys, "--database-url", database_url, "performance", "--sort", sort, "--format", "json")

    medians = [(agent["user_id"], agent["median_handling_seconds"]) for agent in json.loads(out)]
    assert (code, err) == (0, "")
    # The seed: agent 1 handled one chat of 5 minutes, agent 3 two (3 and 10 minutes), agent 2 none.
    assert medians == ([(1, 300.0), (3, 390.0), (2, None)] if direction == "" else [(3, 390.0), (1, 300.0), (2, None)])


@pytest.mark.parametrize(
    ("command", "sort", "message"),
    [
        ("chats", "handling", "'handling' is not a column to sort by; use one of chat_id, customer_name,"),
        ("performance", "chat_id:desc", "'chat_id' is not a column to sort by; use one of user_id, name,"),
        ("chats", "created:up", "'created:up': add :desc to sort descending, or :asc (the default)"),
    ],
)
def test_a_sort_by_an_unknown_column_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], database_url: str, command: str, sort: str, message: str
) -> None:
    run(capsys, "--database-url", database_url, "chats")  # creates and seeds the database
    before = table_rows(database_url, "chats")

    code, out, err = run(capsys, "--database-url", database_url, command, "--sort", sort)

    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert table_rows(database_url, "chats") == before
