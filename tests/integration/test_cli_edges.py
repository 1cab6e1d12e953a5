"""The CLI at the edges of its input: dates, database URLs, config numbers, search text, CSV injection.

Each bad input is one line on stderr and exit code 2 (usage) or 1 (config), never a traceback, and the data
stays as it was.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from arthur_desktop.cli.main import main
from seed_data import SEED_DAY, add_chat, add_user
from services.database import open_database
from services.export import export_chats_csv, export_performance_csv
from services.results import ChatFilter
from services.storage.models import Chat


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    assert "Traceback" not in err
    [line] = err.strip().splitlines()
    return line


def handled(out: str) -> list[str]:
    """The Handled column of a performance table of the seed's agents ("1  Test User 1  Handled ...")."""
    return [line.split()[4] for line in out.splitlines()[2:]]


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (["--from", "9999-12-31T12:00"], ["0", "0", "0"]),
        (["--from", "9999-12-31"], ["0", "0", "0"]),
        (["--from", "9999-12-31T12:00", "--to", "9999-12-31T23:59:59.999999"], ["0", "0", "0"]),
        (["--from", "0001-01-01", "--to", "9999-12-31T23:59:59.999999"], ["1", "0", "2"]),
        (["--to", "0001-01-01T00:00:01"], ["0", "0", "0"]),
        (["--from", "0001-01-01T23:59:59"], ["1", "0", "2"]),
    ],
)
def test_dates_at_the_edges_of_the_calendar_give_figures_not_a_traceback(
    capsys: pytest.CaptureFixture[str], database_url: str, window: list[str], expected: list[str]
) -> None:
    code, out, err = run(capsys, "--database-url", database_url, "performance", *window)

    assert (code, err) == (0, "")
    assert handled(out) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "--database-url is empty"),
        ("   ", "--database-url is empty"),
        ("postgresql://u:secret@127.0.0.1:abc/x", "'postgresql://u:***@127.0.0.1:abc/x' is not a database URL"),
        ("postgresql://u@[::1/x", "is not a database URL"),
        ("postgresql://u@127.0.0.1:99999/x", "the port must be a number from 1 to 65535"),
        ("postgresql://u@127.0.0.1:0/x", "the port must be a number from 1 to 65535"),
        ("postgresql://u@local host/x", "the host name holds a space"),
        ("sqlite://somehost/arthur.db", "a SQLite URL names no host"),
        ("sqlite:///tmp/a\tb.db", "holds a control character"),
        ("mysql://127.0.0.1/arthur", "Database 'mysql' is not supported"),
        ("nonsense", "is not a database URL"),
    ],
)
def test_a_malformed_database_url_is_a_usage_error_that_hides_the_password(
    capsys: pytest.CaptureFixture[str], url: str, message: str
) -> None:
    code, out, err = run(capsys, "--database-url", url, "performance")

    assert (code, out) == (2, "")
    assert message in one_error_line(err)
    assert "secret" not in err


def test_a_database_url_variable_of_only_blanks_is_a_usage_error_not_the_default_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARTHUR_DATABASE_URL", " \t ")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

    code, out, err = run(capsys, "user", "1")

    assert (code, out) == (2, "")
    assert one_error_line(err).startswith("arthur-desktop: error: The database URL is empty; use sqlite:///path.db")
    assert not (tmp_path / "data").exists()


def test_an_empty_database_url_variable_counts_as_unset(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARTHUR_DATABASE_URL", "")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

    code, _, err = run(capsys, "user", "1")

    assert (code, err) == (0, "")
    assert (tmp_path / "data" / "arthur-desktop" / "arthur.db").exists()


@pytest.mark.parametrize(
    ("setting", "key"),
    [
        ("timeout_seconds = 1e300", "savage_rentals.timeout_seconds"),
        ("timeout_seconds = 301", "savage_rentals.timeout_seconds"),
        ("timeout_seconds = 0", "savage_rentals.timeout_seconds"),
        ("timeout_seconds = nan", "savage_rentals.timeout_seconds"),
        ("retries = 1000000", "savage_rentals.retries"),
        ("backoff_seconds = 1e9", "savage_rentals.backoff_seconds"),
    ],
)
def test_a_config_number_out_of_bounds_is_one_line_naming_the_file_and_key(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path, setting: str, key: str
) -> None:
    config = tmp_path / "api.toml"
    config.write_text(f'client = "savage_rentals"\n[savage_rentals]\napi_url = "http://127.0.0.1:1/t"\n{setting}\n')

    code, out, err = run(capsys, "--database-url", sqlite_url, "--config", str(config), "end-chat", "2")

    assert (code, out) == (1, "")
    assert one_error_line(err).startswith(f"arthur-desktop: error: {config}: key '{key}': must be ")
    _, chats, _ = run(capsys, "--database-url", sqlite_url, "chats", "--status", "in-progress", "--format", "csv")
    assert "\r\n2," in chats  # the chat was not ended


@pytest.mark.parametrize("form", [["--search", "-kat"], ["--search=-kat"], ["--search", "-k"], ["--search=-k"]])
def test_a_search_starting_with_a_dash_is_text_not_an_option(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, form: list[str]
) -> None:
    database = open_database(sqlite_url)
    add_chat(database, user_id=None, start=None, seconds=None, customer="Mary-Kate")
    database.dispose()

    code, out, err = run(capsys, "--database-url", sqlite_url, "chats", *form, "--format", "csv")

    assert (code, err) == (0, "")
    assert [row[1] for row in csv.reader(io.StringIO(out, newline=""))] == ["customer_name", "Mary-Kate"]


def test_an_option_after_search_is_still_an_option_so_the_text_is_missing(
    capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    code, out, err = run(capsys, "--database-url", sqlite_url, "chats", "--search", "--limit", "1")

    assert (code, out) == (2, "")
    assert "argument --search: expected one argument" in one_error_line(err)


def test_search_text_that_is_not_unicode_is_a_usage_error(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    code, out, err = run(capsys, "--database-url", sqlite_url, "chats", "--search", "caf\udce9")

    assert (code, out) == (2, "")
    assert "not valid Unicode" in one_error_line(err)


INJECTIONS = ("\r=1+1", '=HYPERLINK("http://x")', "@SUM(A1)", "+1", " -2", "\t=3", 'a,"b"\r\nc')


def test_cli_csv_keeps_every_name_in_its_cell_and_no_cell_runs_as_a_formula(
    capsys: pytest.CaptureFixture[str], database_url: str
) -> None:
    database = open_database(database_url)
    agent = add_user(database, "=cmd|' /C calc'!A0")
    for name in INJECTIONS:
        add_chat(database, user_id=agent, start=SEED_DAY, seconds=60, customer=name)
    database.dispose()

    _, chats, _ = run(capsys, "--database-url", database_url, "chats", "--limit", "100", "--format", "csv")
    _, agents, _ = run(capsys, "--database-url", database_url, "performance", "--format", "csv")

    for text, expected_rows in ((chats, 6 + len(INJECTIONS)), (agents, 4)):
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert len(rows) == expected_rows + 1
        assert text.endswith("\r\n")
        assert text.split("\r\n", 1)[0] == ",".join(rows[0])  # the header ends in CRLF
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    customers = [row[1] for row in csv.reader(io.StringIO(chats, newline=""))]
    assert set(customers) >= {"'\r=1+1", "' -2", 'a,"b"\r\nc'}


def test_the_window_exports_write_the_same_safe_csv(database_url: str, tmp_path: Path) -> None:
    database = open_database(database_url)
    agent = add_user(database, "@agent")
    for name in INJECTIONS:
        add_chat(database, user_id=agent, start=SEED_DAY, seconds=60, customer=name)

    export_chats_csv(database.unit_of_work, ChatFilter(), tmp_path / "chats.csv")
    export_performance_csv(database.unit_of_work(), None, tmp_path / "agents.csv")
    database.dispose()

    for name, expected_rows in (("chats.csv", 6 + len(INJECTIONS)), ("agents.csv", 4)):
        content = (tmp_path / name).read_bytes()
        rows = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
        assert len(rows) == expected_rows + 1
        assert content.endswith(b"\r\n")
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_end_chat_of_a_chat_picked_up_later_than_now_is_one_line_and_ends_nothing(
    capsys: pytest.CaptureFixture[str], database_url: str, tmp_path: Path
) -> None:
    database = open_database(database_url)
    with database.engine.begin() as connection:
        connection.execute(update(Chat).where(Chat.chat_id == 2).values(handle_start=datetime(2990, 1, 1)))
    database.dispose()
    config = tmp_path / "folder.toml"
    config.write_text(
        f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{tmp_path}/out"\n'
    )

    code, out, err = run(capsys, "--database-url", database_url, "--config", str(config), "end-chat", "2")
    _, listed, _ = run(
        capsys, "--database-url", database_url, "--config", str(config), "deliveries", "--format", "json"
    )
    _, chats, _ = run(capsys, "--database-url", database_url, "chats", "--status", "in-progress", "--format", "json")

    assert (code, out) == (1, "")
    assert "Chat 2 was picked up at 2990-01-01 00:00:00 UTC, later than now" in one_error_line(err)
    assert listed.strip() == "[]"
    assert [chat["chat_id"] for chat in json.loads(chats)] == [2]
    assert list((tmp_path / "out").rglob("*.txt")) == []


def test_a_real_process_with_bad_input_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'arthur.db'}"
    runs = [
        ([url, "performance", "--from", "9999-12-31T12:00"], 0),
        (["postgresql://u@127.0.0.1:abc/x", "performance"], 2),
        (["", "performance"], 2),
        ([url, "chats", "--search", "-dash"], 0),
    ]
    for (database_url, *argv), code in runs:
        result = subprocess.run(
            [sys.executable, "-m", "arthur_desktop", "--database-url", database_url, *argv],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
        )
        assert result.returncode == code, result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) == (0 if code == 0 else 1)
