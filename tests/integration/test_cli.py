"""The headless CLI, driven through its entry point on real databases."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from arthur_desktop.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_performance_prints_the_seed_figures_as_a_table(capsys: pytest.CaptureFixture[str], database_url: str) -> None:
    code, out, err = run(capsys, "--database-url", database_url, "performance")

    assert (code, err) == (0, "")
    lines = out.splitlines()
    headers = ["ID", "Agent", "Handled", "In progress", "Average", "Median", "Wait avg", "Wait med"]
    assert [cell.strip() for cell in lines[0].split("  ") if cell.strip()] == [
        *headers,
        "1st reply avg",
        "1st reply med",
    ]
    assert lines[2].split() == [
        "1",
        "Test",
        "User",
        "1",
        "1",
        "1",
        *["5m", "00s"] * 2,
        *["3m", "30s"] * 2,
        *["1m", "30s"] * 2,
    ]
    assert lines[3].split() == ["2", "Test", "User", "2", "0", "0", *["—"] * 6]
    assert lines[4].split() == [
        "3",
        "Test",
        "User",
        "3",
        "2",
        "0",
        *["6m", "30s"] * 2,
        *["3m", "00s"] * 2,
        *["2m", "00s"] * 2,
    ]


def test_performance_json_has_exactly_the_agreed_keys(capsys: pytest.CaptureFixture[str], database_url: str) -> None:
    code, out, _ = run(capsys, "performance", "--database-url", database_url, "--format", "json")

    assert code == 0
    assert json.loads(out) == [
        {
            "user_id": 1,
            "name": "Test User 1",
            "chats_handled": 1,
            "chats_in_progress": 1,
            "average_handling_seconds": 300.0,
            "median_handling_seconds": 300.0,
            "average_wait_seconds": 210.0,
            "median_wait_seconds": 210.0,
            "average_first_response_seconds": 90.0,
            "median_first_response_seconds": 90.0,
        },
        {
            "user_id": 2,
            "name": "Test User 2",
            "chats_handled": 0,
            "chats_in_progress": 0,
            "average_handling_seconds": None,
            "median_handling_seconds": None,
            "average_wait_seconds": None,
            "median_wait_seconds": None,
            "average_first_response_seconds": None,
            "median_first_response_seconds": None,
        },
        {
            "user_id": 3,
            "name": "Test User 3",
            "chats_handled": 2,
            "chats_in_progress": 0,
            "average_handling_seconds": 390.0,
            "median_handling_seconds": 390.0,
            "average_wait_seconds": 180.0,
            "median_wait_seconds": 180.0,
            "average_first_response_seconds": 120.0,
            "median_first_response_seconds": 120.0,
        },
    ]


def test_performance_csv_honours_the_time_window(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    code, out, _ = run(
        capsys,
        "performance",
        "--database-url",
        sqlite_url,
        "--format",
        "csv",
        "--from",
        "2020-09-29T09:00",
        "--to",
        "2020-09-30",
    )

    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert [(r["name"], r["chats_handled"], r["average_handling_seconds"]) for r in rows] == [
        ("Test User 1", "1", "300.0"),
        ("Test User 2", "0", ""),
        ("Test User 3", "1", "180.0"),
    ]


def test_chats_json_lists_the_agreed_keys_with_filters(capsys: pytest.CaptureFixture[str], database_url: str) -> None:
    code, out, _ = run(
        capsys,
        "--database-url",
        database_url,
        "chats",
        "--status",
        "ended",
        "--agent",
        "3",
        "--format",
        "json",
    )

    chats = json.loads(out)
    assert code == 0
    assert [c["chat_id"] for c in chats] == [3, 4]
    assert chats[1] == {
        "chat_id": 4,
        "customer_name": "Jacintha",
        "user_id": 3,
        "agent_name": "Test User 3",
        "status": "ended",
        "created": "2020-09-29T08:40:20.540957+00:00",
        "handle_start": "2020-09-29T08:44:20.540957+00:00",
        "handle_end": "2020-09-29T08:54:20.540957+00:00",
        "handling_seconds": 600.0,
        "message_count": 4,
    }


def test_chats_table_searches_and_limits(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    code, out, _ = run(capsys, "--database-url", sqlite_url, "chats", "--search", "j", "--limit", "2")

    assert code == 0
    assert [line.split()[1] for line in out.splitlines()[2:]] == ["Jerry", "Jane"]


def test_user_prints_one_user(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    code, out, _ = run(capsys, "--database-url", sqlite_url, "user", "2", "--format", "json")

    assert (code, json.loads(out)) == (0, {"user_id": 2, "name": "Test User 2"})


def test_init_db_seeds_a_new_database_once(capsys: pytest.CaptureFixture[str], database_url: str) -> None:
    first = run(capsys, "--database-url", database_url, "init-db")
    second = run(capsys, "--database-url", database_url, "init-db")

    assert first[0] == second[0] == 0
    assert "seeded" in first[1]
    assert "nothing was changed" in second[1]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["user", "99"], 1, "There is no user with id 99."),
        (["user", "abc"], 2, "'abc' is not a whole number"),
        (["user", "0"], 2, "must be 1 or more"),
        (["performance", "--from", "2020-13-45"], 2, "is not a date"),
        (["performance", "--from", "2021-01-01", "--to", "2020-01-01"], 2, "must come before its end"),
        (["performance", "--format", "xml"], 2, "invalid choice"),
        (["chats", "--status", "closed"], 2, "invalid choice"),
        (["chats", "--limit", "-1"], 2, "must be 1 or more"),
        (["chats", "--agent", "x"], 2, "is not a whole number"),
        (["user", "99999999999999999999"], 2, "is too large"),
        (["chats", "--limit", "9223372036854775807"], 2, "is too large"),
        (["init-db", "--database-url", "nonsense"], 2, "is not a database URL"),
        (
            ["chats", "--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/x"],
            1,
            "Cannot open the database",
        ),
    ],
)
def test_bad_input_gives_one_clear_line_and_the_right_exit_code(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, argv: list[str], code: int, message: str
) -> None:
    got_code, out, err = run(capsys, "--database-url", sqlite_url, *argv)

    assert got_code == code
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err
    assert "Traceback" not in err


def test_bad_input_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'never.db'}"

    code, _, _ = run(capsys, "--database-url", url, "performance", "--from", "yesterday")

    assert code == 2
    assert not (tmp_path / "never.db").exists()


def test_the_module_runs_from_any_folder_without_importing_qt(tmp_path: Path) -> None:
    probe = (
        "import sys, runpy; sys.argv = ['arthur-desktop', '--database-url', 'sqlite://', 'performance'];\n"
        "try:\n    runpy.run_module('arthur_desktop', run_name='__main__')\n"
        "except SystemExit as e:\n    assert e.code == 0, e.code\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'the CLI imported Qt'\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    assert "Test User 3" in result.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_DATA_HOME names the user's data folder on Linux")
def test_help_names_the_default_database_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

    code, out, _ = run(capsys, "--help")

    default = tmp_path / "data" / "arthur-desktop" / "arthur.db"
    assert code == 0
    unwrapped = " ".join(out.split()).replace("- ", "-")  # argparse wraps lines at spaces and after hyphens
    assert f"else $ARTHUR_DATABASE_URL, else {default} (created and seeded on first use)" in unwrapped


def test_generate_fills_a_new_database_and_refuses_one_with_chats(
    capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    argv = ("--database-url", sqlite_url, "generate", "--agents", "3", "--chats", "40", "--messages-per-chat", "2")

    first = run(capsys, *argv)
    second = run(capsys, *argv)
    _, out, _ = run(capsys, "--database-url", sqlite_url, "chats", "--limit", "100", "--format", "json")

    assert first[0] == 0 and "Added 3 agents, 40 chats and 80 messages" in first[1]
    assert second[0] == 1 and "--append" in second[2] and second[1] == ""
    assert len(json.loads(out)) == 40


@pytest.mark.parametrize("argv", [["--chats", "0"], ["--agents", "-2"], ["--messages-per-chat", "x"]])
def test_generate_refuses_bad_sizes(capsys: pytest.CaptureFixture[str], sqlite_url: str, argv: list[str]) -> None:
    code, out, err = run(capsys, "--database-url", sqlite_url, "generate", *argv)

    assert (code, out, len(err.strip().splitlines())) == (2, "", 1)


def test_a_home_relative_sqlite_path_is_expanded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))

    code, _, err = run(capsys, "--database-url", "sqlite:///~/arthur/home.db", "user", "1")

    assert (code, err) == (0, "")
    assert (tmp_path / "arthur" / "home.db").is_file()
