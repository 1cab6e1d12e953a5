"""The live floor on the command line: summary, trends, the wider performance table, the queue, several chats
ended at once, and times read and shown in the computer's time zone (TZ)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from arthur_desktop.cli.floor_commands import SUMMARY_KEYS
from arthur_desktop.cli.main import main
from seed_data import SEED_DAY, add_chat
from services.database import open_database


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder_config(tmp_path: Path) -> str:
    path = tmp_path / "folder.toml"
    path.write_text(
        f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{tmp_path}/out"\n'
    )
    return str(path)


def test_summary_json_has_exactly_the_agreed_keys_and_the_seed_figures(
    capsys: pytest.CaptureFixture[str], database_url: str
) -> None:
    code, out, err = run(
        capsys, "--database-url", database_url, "summary", "--target-seconds", "180", "--format", "json"
    )

    assert (code, err) == (0, "")
    figures = json.loads(out)
    assert tuple(figures) == SUMMARY_KEYS
    waited = (datetime.now() - datetime(2020, 9, 29, 8, 50, 20, 540957)).total_seconds()
    assert figures.pop("longest_wait_seconds") == pytest.approx(waited, abs=120)
    assert figures == {
        "chats_created": 6,
        "chats_handled": 3,
        "chats_in_progress": 1,
        "chats_waiting": 2,
        "service_level_percent": 33.3,
        "service_level_target_seconds": 180,
        "average_wait_seconds": 195.0,
        "median_wait_seconds": 180.0,
        "average_first_response_seconds": 105.0,
        "median_first_response_seconds": 120.0,
        "average_handling_seconds": 360.0,
        "median_handling_seconds": 300.0,
    }


def test_summary_takes_the_target_and_goal_from_the_config_and_names_them(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "floor.toml"
    config.write_text('client = "savage_rentals"\n[service_level]\ntarget_seconds = 120\ngoal_percent = 50\n')

    code, out, _ = run(capsys, "--database-url", sqlite_url, "--config", str(config), "summary")

    assert code == 0
    lines = dict(_label_and_rest(line) for line in out.splitlines())
    assert (["Service", "level", *lines["Service"].split()[1:]]) == [
        "Service",
        "level",
        "33.3",
        "%",
        "within",
        "2m",
        "00s",
        "(2",
        "of",
        "6;",
        "goal",
        "50",
        "%,",
        "below",
        "it)",
    ]
    assert out.splitlines()[0].split() == ["Chats", "created", "6"]
    assert "Wait            average 3m 15s, median 3m 00s" in out


def test_a_wrong_service_level_setting_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "floor.toml"
    config.write_text("[service_level]\ngoal_percent = 180\n")

    code, out, err = run(capsys, "--database-url", sqlite_url, "--config", str(config), "summary")

    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "service_level.goal_percent" in err


@pytest.mark.parametrize(
    "argv", [["summary", "--target-seconds", "0"], ["trends", "--by", "week"], ["summary", "--from", "29/09/2020"]]
)
def test_bad_floor_arguments_are_usage_errors(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, argv: list[str]
) -> None:
    code, out, err = run(capsys, "--database-url", sqlite_url, *argv)

    assert (code, out) == (2, "")
    assert err.count("\n") == 1


def test_trends_by_local_day_in_india_as_json_and_csv(
    capsys: pytest.CaptureFixture[str], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    period = ["--from", "2020-09-29", "--to", "2020-09-30", "--by", "day", "--target-seconds", "180"]

    code, out, _ = run(capsys, "--database-url", database_url, "trends", *period, "--format", "json")
    csv_code, csv_out, _ = run(capsys, "--database-url", database_url, "trends", *period, "--format", "csv")

    assert (code, csv_code) == (0, 0)
    point = {
        "period_start": "2020-09-29T00:00:00+05:30",
        "chats_created": 6,
        "chats_handled": 3,
        "service_level_percent": 33.3,
        "median_handling_seconds": 300.0,
    }
    assert json.loads(out) == [point]
    assert list(csv.DictReader(io.StringIO(csv_out))) == [{key: str(value) for key, value in point.items()}]


def test_trends_of_two_days_or_less_are_per_hour(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    code, out, _ = run(capsys, "--database-url", sqlite_url, "trends", "--from", "2020-09-29", "--to", "2020-09-30")

    lines = out.splitlines()
    assert code == 0 and len(lines) == 2 + 24
    assert lines[2 + 8].split()[:4] == [
        "2020-09-29",
        "08:00",
        "4",
        "1",
    ]  # 08:40, 08:50, 08:55 twice; chat 4 ended 08:54


def test_from_and_to_are_local_times_and_table_times_are_local(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # 14:15 there is 08:45 UTC: chat 4 (created 08:40 UTC) is left out

    code, out, _ = run(
        capsys, "--database-url", sqlite_url, "performance", "--from", "2020-09-29T14:15", "--format", "json"
    )
    _, chats, _ = run(capsys, "--database-url", sqlite_url, "chats", "--agent", "3")

    assert code == 0
    assert json.loads(out)[2]["median_wait_seconds"] == 120.0
    assert "2020-09-29 14:10" in chats  # chat 4, created 08:40 UTC


def test_a_time_with_its_offset_is_taken_as_given(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/St_Johns")

    code, out, _ = run(
        capsys, "--database-url", sqlite_url, "summary", "--from", "2020-09-29T08:45:00+00:00", "--format", "json"
    )

    assert (code, json.loads(out)["chats_created"]) == (0, 5)


def test_waiting_chats_come_longest_waiting_first_with_how_long_they_waited(
    capsys: pytest.CaptureFixture[str], database_url: str
) -> None:
    code, out, _ = run(capsys, "--database-url", database_url, "chats", "--status", "waiting", "--format", "json")
    _, table, _ = run(capsys, "--database-url", database_url, "chats", "--status", "waiting")

    chats = json.loads(out)
    assert code == 0
    assert [c["chat_id"] for c in chats] == [6, 5]
    assert chats[0]["waiting_seconds"] - chats[1]["waiting_seconds"] == pytest.approx(300, abs=0.01)
    assert table.splitlines()[0].split() == ["ID", "Customer", "Created", "Waiting"]


def test_end_chat_ends_several_and_a_refusal_does_not_stop_the_others(
    capsys: pytest.CaptureFixture[str], database_url: str, folder_config: str, tmp_path: Path
) -> None:
    database = open_database(database_url)
    other = add_chat(database, user_id=3, start=SEED_DAY, seconds=None, customer="Kim")
    database.dispose()

    code, out, err = run(
        capsys, "--database-url", database_url, "--config", folder_config, "end-chat", "3", "2", "99", str(other)
    )

    assert code == 1
    assert out.splitlines() == [
        f"Chat 2 ended. Transcript written to {tmp_path}/out/jane/1.txt",
        f"Chat {other} ended. Transcript written to {tmp_path}/out/kim/1.txt",
    ]
    assert err.splitlines() == [
        "arthur-desktop: error: Chat 3 has already ended.",
        "arthur-desktop: error: There is no chat with id 99.",
    ]


def test_end_chat_of_several_as_json_gives_each_outcome(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, folder_config: str
) -> None:
    code, out, _ = run(
        capsys, "--database-url", sqlite_url, "--config", folder_config, "end-chat", "2", "5", "2", "--format", "json"
    )

    outcomes = json.loads(out)
    assert code == 1
    assert [(o["chat_id"], o["status"]) for o in outcomes] == [(2, "delivered"), (5, "refused")]
    assert "never picked up" in outcomes[1]["refusal"]


def _label_and_rest(line: str) -> tuple[str, str]:
    if line.startswith(" "):
        return "", line
    label, rest = line.split(None, 1)
    return label, rest
