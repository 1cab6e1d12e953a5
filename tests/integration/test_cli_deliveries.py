"""The end-chat, transcript and deliveries commands, on real databases, folders and an HTTP server."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import text

from arthur_desktop.cli.main import main
from arthur_desktop.models.delivery_model import STATUS_COLUMN, DeliveryModel
from services.database import open_database
from services.deliveries import list_deliveries
from services.end_chat import close_chat_and_enqueue


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


def api_config(tmp_path: Path, url: str) -> str:
    path = tmp_path / "api.toml"
    path.write_text(
        f'client = "savage_rentals"\n[savage_rentals]\napi_url = "{url}"\nretries = 0\ntimeout_seconds = 2\n'
    )
    return str(path)


def test_end_chat_prints_the_written_path(
    capsys: pytest.CaptureFixture[str], database_url: str, folder_config: str, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "--database-url", database_url, "--config", folder_config, "end-chat", "2")

    assert (code, err) == (0, "")
    assert out.strip() == f"Chat 2 ended. Transcript written to {tmp_path}/out/jane/1.txt"


def test_end_chat_json_reports_the_apis_answer(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/t").respond_with_data("created", status=201)
    config = api_config(tmp_path, httpserver.url_for("/t"))

    code, out, _ = run(capsys, "--database-url", sqlite_url, "--config", config, "end-chat", "2", "--format", "json")

    assert code == 0
    assert json.loads(out) == {
        "chat_id": 2,
        "client": "savage_rentals",
        "status": "delivered",
        "path": None,
        "http_status": 201,
        "response": "created",
        "error": None,
    }


def test_a_failed_delivery_exits_1_queued_and_deliveries_retry_sends_it(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_oneshot_request("/t").respond_with_data("down", status=500)
    httpserver.expect_oneshot_request("/t").respond_with_data("ok", status=200)
    config = api_config(tmp_path, httpserver.url_for("/t"))

    code, out, err = run(capsys, "--database-url", sqlite_url, "--config", config, "end-chat", "2", "--format", "json")
    retry_code, retry_out, _ = run(
        capsys, "--database-url", sqlite_url, "--config", config, "deliveries", "--retry", "--format", "json"
    )

    assert (code, json.loads(out)["status"], json.loads(out)["http_status"]) == (1, "queued", 500)
    assert "queued" in err and len(err.strip().splitlines()) == 1
    [delivery] = json.loads(retry_out)
    assert (retry_code, delivery["status"], delivery["attempts"], delivery["http_status"]) == (
        0,
        "delivered",
        2,
        200,
    )


def test_deliveries_table_lists_what_was_delivered(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, folder_config: str
) -> None:
    run(capsys, "--database-url", sqlite_url, "--config", folder_config, "end-chat", "2")

    code, out, _ = run(capsys, "--database-url", sqlite_url, "--config", folder_config, "deliveries")

    assert code == 0
    assert out.splitlines()[2].split()[:5] == ["1", "2", "Jane", "absolutely_class_airlines", "delivered"]


def test_transcript_prints_what_the_client_receives(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, folder_config: str
) -> None:
    code, out, _ = run(capsys, "--database-url", sqlite_url, "--config", folder_config, "transcript", "3")

    assert code == 0
    assert out == (
        "Chat on 29 Sep 2020 09:02:\n\n[09:02, Customer]: What are your opening hours?.\n"
        "[09:04, Agent]: Monday to Friday, 9am to 6pm.\n[09:04, Customer]: Thanks.\n"
        "This chat took 180 seconds to handle.\n"
    )


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["end-chat", "1"], 1, "Chat 1 has already ended."),
        (["end-chat", "5"], 1, "Chat 5 is still waiting for an agent"),
        (["end-chat", "99"], 1, "There is no chat with id 99."),
        (["end-chat", "two"], 2, "is not a whole number"),
        (["end-chat", "2", "--format", "xml"], 2, "invalid choice"),
        (["transcript", "6"], 1, "still waiting for an agent"),
        (["transcript", "99"], 1, "There is no chat with id 99."),
        (["deliveries", "--format", "csv"], 2, "invalid choice"),
        (["end-chat", "3000000000"], 2, "is too large"),
    ],
)
def test_refusals_and_bad_input_give_one_line_and_write_nothing(
    capsys: pytest.CaptureFixture[str],
    sqlite_url: str,
    folder_config: str,
    tmp_path: Path,
    argv: list[str],
    code: int,
    message: str,
) -> None:
    got_code, out, err = run(capsys, "--database-url", sqlite_url, "--config", folder_config, *argv)

    assert (got_code, out) == (code, "")
    assert len(err.strip().splitlines()) == 1
    assert message in err
    assert not (tmp_path / "out" / "jane").exists()


def test_a_bad_config_is_one_line_naming_the_file(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('client = "carrier_pigeon"\n')

    code, out, err = run(capsys, "--database-url", sqlite_url, "--config", str(config), "end-chat", "2")

    assert (code, out) == (1, "")
    assert err.strip() == (
        f"arthur-desktop: error: {config}: key 'client': unknown client 'carrier_pigeon'; "
        "expected one of: absolutely_class_airlines, savage_rentals"
    )


def test_a_delivery_status_another_program_wrote_is_shown_as_unknown_and_left_alone(
    capsys: pytest.CaptureFixture[str], database_url: str, folder_config: str, tmp_path: Path, qapp: object
) -> None:
    database = open_database(database_url)
    close_chat_and_enqueue(2, database.unit_of_work(), "absolutely_class_airlines", datetime(2020, 9, 29, 9, 12))
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE deliveries SET status = 'archived-by-crm'"))
    database.dispose()
    options = ["--database-url", database_url, "--config", folder_config]

    listed_code, listed, listed_err = run(capsys, *options, "deliveries", "--format", "json")
    retried_code, _, _ = run(capsys, *options, "deliveries", "--retry")

    assert (listed_code, listed_err) == (0, "")
    assert [d["status"] for d in json.loads(listed)] == ["unknown"]
    assert not (tmp_path / "out").exists()  # never delivered by a retry
    assert retried_code == 1  # and counted as not delivered
    database = open_database(database_url)
    model = DeliveryModel()
    model.set_rows(list_deliveries(database.unit_of_work()))
    database.dispose()
    assert model.index(0, STATUS_COLUMN).data() == "Unknown (set by another program)"  # the window's list
