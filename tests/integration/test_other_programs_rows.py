"""Rows other programs wrote with NULL names and times: every reader shows them, on both engines, no traceback."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from administration import upgraded_by_its_administrator
from arthur_desktop.cli.main import main
from other_programs import CHAT_2_TRANSCRIPT, table_rows, write_loose_database
from services.chats import list_chats
from services.database import open_database
from services.distribution import handling_time_distribution
from services.export import export_chats_csv, export_performance_csv
from services.results import ChatCursor, ChatFilter
from services.storage.database import Database


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def loose_url(bare_database_url: str) -> str:
    write_loose_database(bare_database_url)
    upgraded_by_its_administrator(bare_database_url)
    return bare_database_url


@pytest.fixture
def loose_database(loose_url: str) -> Iterator[Database]:
    database = open_database(loose_url)
    yield database
    database.dispose()


@pytest.fixture
def folder_config(tmp_path: Path) -> str:
    path = tmp_path / "folder.toml"
    path.write_text(
        f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{tmp_path}/out"\n'
    )
    return str(path)


def test_performance_shows_an_agent_without_a_name_as_a_dash(
    capsys: pytest.CaptureFixture[str], loose_url: str
) -> None:
    code, out, err = run(capsys, "--database-url", loose_url, "performance")

    assert (code, err) == (0, "")
    assert [line.split() for line in out.splitlines()[2:]] == [
        ["1", "Ann", "1", "0", "10m", "00s", "10m", "00s", "1m", "00s", "1m", "00s", "—", "—"],
        # Bob's chat 2 has no created time, so it counts for neither wait nor first response; chat 3 has no message.
        ["2", "—", "1", "1", "5m", "00s", "5m", "00s", "1m", "00s", "1m", "00s", "—", "—"],
    ]


def test_json_says_null_and_csv_leaves_the_field_empty(capsys: pytest.CaptureFixture[str], loose_url: str) -> None:
    _, as_json, _ = run(capsys, "--database-url", loose_url, "performance", "--format", "json")
    _, as_csv, _ = run(capsys, "--database-url", loose_url, "performance", "--format", "csv")

    assert json.loads(as_json)[1]["name"] is None
    assert list(csv.reader(io.StringIO(as_csv, newline="")))[2][:2] == ["2", ""]


def test_chats_lists_chats_without_names_or_created_time_after_the_dated_ones(
    capsys: pytest.CaptureFixture[str], loose_url: str
) -> None:
    code, out, err = run(capsys, "--database-url", loose_url, "chats")

    assert (code, err) == (0, "")
    rows = [line.split() for line in out.splitlines()[2:]]
    assert [row[:3] for row in rows] == [["3", "—", "—"], ["1", "Cara", "Ann"], ["4", "Dora", "—"], ["2", "—", "—"]]
    assert rows[2][4] == "—"  # no created time


def test_keyset_pages_walk_dated_then_undated_chats_once_each(loose_database: Database) -> None:
    seen: list[int] = []
    cursor: ChatCursor | None = None
    for _ in range(10):  # a cursor that does not move on would page forever
        page = list_chats(loose_database.unit_of_work(), limit=1, after=cursor)
        seen += [chat.chat_id for chat in page.chats]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == [3, 1, 4, 2]


def test_user_without_a_name_shows_a_dash(capsys: pytest.CaptureFixture[str], loose_url: str) -> None:
    code, out, err = run(capsys, "--database-url", loose_url, "user", "2")

    assert (code, err) == (0, "")
    assert out.splitlines()[2].split() == ["2", "—"]


def test_the_transcript_keeps_messages_without_text_or_time(
    capsys: pytest.CaptureFixture[str], loose_url: str, folder_config: str
) -> None:
    code, out, err = run(capsys, "--database-url", loose_url, "--config", folder_config, "transcript", "2")

    assert (code, err) == (0, "")
    assert out == CHAT_2_TRANSCRIPT + "\n"


def test_ending_a_chat_without_customer_name_delivers_it_and_lists_the_delivery(
    capsys: pytest.CaptureFixture[str], loose_url: str, folder_config: str, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "--database-url", loose_url, "--config", folder_config, "end-chat", "2")
    listed_code, listed, _ = run(capsys, "--database-url", loose_url, "--config", folder_config, "deliveries")

    assert (code, err) == (0, "")
    written = list((tmp_path / "out").rglob("*.txt"))
    assert len(written) == 1 and written[0].name == "1.txt"
    assert written[0].parent.name.startswith("customer-")  # the folder for customers without a usable name
    text = written[0].read_text("utf-8")
    assert text.startswith(CHAT_2_TRANSCRIPT + "\nThis chat took ")
    assert out.strip() == f"Chat 2 ended. Transcript written to {written[0]}"
    assert listed_code == 0
    assert listed.splitlines()[2].split()[:5] == ["1", "2", "—", "absolutely_class_airlines", "delivered"]


def test_the_window_exports_write_empty_fields_for_missing_values(loose_database: Database, tmp_path: Path) -> None:
    export_performance_csv(loose_database.unit_of_work(), None, tmp_path / "agents.csv")
    export_chats_csv(loose_database.unit_of_work, ChatFilter(), tmp_path / "c.csv")

    with (tmp_path / "agents.csv").open(newline="", encoding="utf-8") as file:
        agents = list(csv.reader(file))
    with (tmp_path / "c.csv").open(newline="", encoding="utf-8") as file:
        chats = list(csv.reader(file))
    assert agents[2][:2] == ["", "1"]
    assert [row[:3] for row in chats[1:]] == [["3", "", ""], ["1", "Cara", "Ann"], ["4", "Dora", ""], ["2", "", ""]]
    assert chats[3][4] == ""  # no created time


def test_the_chart_figures_include_the_agent_without_a_name(loose_database: Database) -> None:
    rows = handling_time_distribution(loose_database.unit_of_work())

    assert sorted((row.user_id, row.name, row.chats_handled, row.median_seconds) for row in rows) == [
        (1, "Ann", 1, 600.0),
        (2, None, 1, 300.0),
    ]


def test_reading_changes_nothing(capsys: pytest.CaptureFixture[str], loose_url: str, folder_config: str) -> None:
    open_database(loose_url).dispose()  # the upgrade adds Arthur's own columns; compare after it
    before = {table: table_rows(loose_url, table) for table in ("users", "chats", "messages")}
    for command in (["performance"], ["chats"], ["user", "2"], ["transcript", "2"], ["deliveries"]):
        assert run(capsys, "--database-url", loose_url, "--config", folder_config, *command)[0] == 0

    assert {table: table_rows(loose_url, table) for table in ("users", "chats", "messages")} == before
