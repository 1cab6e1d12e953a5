"""A transcript the API refuses needs attention: not re-sent automatically, shown with its reason, sent by hand.

Real databases (SQLite and PostgreSQL), the real command line and a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from arthur_desktop.cli.main import main
from services.config import load_config
from services.database import open_database
from services.deliveries import list_deliveries, retry_delivery, retry_pending_deliveries
from services.end_chat import end_chat
from services.results import DeliveryStatus

REFUSAL = "The Savage Rentals API refused the transcript (HTTP 401): invalid token"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def config(tmp_path: Path, httpserver: HTTPServer) -> str:
    path = tmp_path / "api.toml"
    path.write_text(
        f'client = "savage_rentals"\n[savage_rentals]\napi_url = "{httpserver.url_for("/t")}"\n'
        "retries = 2\nbackoff_seconds = 0\ntimeout_seconds = 2\n"
    )
    return str(path)


def refuse(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/t", method="POST").respond_with_json({"message": "invalid token"}, status=401)


def test_a_refused_transcript_needs_attention_and_no_automatic_retry_sends_it(
    database_url: str, config: str, httpserver: HTTPServer
) -> None:
    refuse(httpserver)
    database = open_database(database_url)
    integration = load_config(config, {}).integration
    try:
        ended = end_chat(2, database.unit_of_work(), integration)
        retried = retry_pending_deliveries(database.unit_of_work(), integration)  # what start-up does
        [record] = list_deliveries(database.unit_of_work())
    finally:
        database.dispose()

    assert (ended.status, ended.http_status, ended.error) == ("needs-attention", 401, REFUSAL)
    assert retried == []
    assert (record.status, record.attempts, record.error) == (DeliveryStatus.NEEDS_ATTENTION, 1, REFUSAL)
    assert len(httpserver.log) == 1


def test_a_retry_by_hand_sends_it_again_and_a_second_refusal_needs_attention_again(
    database_url: str, config: str, httpserver: HTTPServer
) -> None:
    refuse(httpserver)
    refuse(httpserver)
    httpserver.expect_oneshot_request("/t", method="POST").respond_with_data("stored", status=201)
    database = open_database(database_url)
    integration = load_config(config, {}).integration
    try:
        delivery_id = end_chat(2, database.unit_of_work(), integration).delivery_id
        refused_again = retry_delivery(delivery_id, database.unit_of_work(), integration)
        delivered = retry_delivery(delivery_id, database.unit_of_work(), integration)
    finally:
        database.dispose()

    assert (refused_again.status, refused_again.attempts) == (DeliveryStatus.NEEDS_ATTENTION, 2)
    assert (delivered.status, delivered.attempts, delivered.error) == (DeliveryStatus.DELIVERED, 3, None)
    assert (delivered.http_status, delivered.response) == (201, "stored")


def test_the_command_line_says_what_to_fix_and_retries_it_only_when_asked_by_id(
    capsys: pytest.CaptureFixture[str], database_url: str, config: str, httpserver: HTTPServer
) -> None:
    refuse(httpserver)
    base = ("--database-url", database_url, "--config", config)

    code, out, err = run(capsys, *base, "end-chat", "2")
    assert (code, out) == (1, "")
    assert err == (
        f"arthur-desktop: error: chat 2 ended, but its transcript needs attention ({REFUSAL}); it is not retried "
        "automatically: fix the configuration, then run 'arthur-desktop deliveries --retry-id 1'.\n"
    )

    code, out, _ = run(capsys, *base, "deliveries", "--retry")
    row = out.splitlines()[2]
    assert row.split()[:6] == ["1", "2", "Jane", "savage_rentals", "needs-attention", "1"]
    assert row.endswith(REFUSAL)
    assert len(httpserver.log) == 1  # --retry left it alone

    httpserver.expect_oneshot_request("/t", method="POST").respond_with_data("stored", status=201)
    code, out, err = run(capsys, *base, "deliveries", "--retry-id", "1", "--format", "json")
    [delivery] = json.loads(out)
    assert (code, err) == (0, "")
    assert (delivery["status"], delivery["attempts"], delivery["http_status"]) == ("delivered", 2, 201)


def test_a_retry_by_id_that_is_refused_again_exits_1_with_the_reason(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, config: str, httpserver: HTTPServer
) -> None:
    refuse(httpserver)
    refuse(httpserver)
    base = ("--database-url", sqlite_url, "--config", config)
    run(capsys, *base, "end-chat", "2")

    code, out, err = run(capsys, *base, "deliveries", "--retry-id", "1")

    assert code == 1
    assert err == f"arthur-desktop: error: delivery 1 was not delivered: {REFUSAL}\n"
    assert "needs-attention" in out


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["deliveries", "--retry-id", "99"], 1, "arthur-desktop: error: There is no delivery with id 99.\n"),
        (["deliveries", "--retry-id", "x"], 2, "--retry-id: 'x' is not a whole number"),
        (["deliveries", "--retry-id", "0"], 2, "--retry-id"),
    ],
)
def test_a_retry_by_id_of_a_bad_id_is_one_line(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, config: str, argv: list[str], code: int, message: str
) -> None:
    got, out, err = run(capsys, "--database-url", sqlite_url, "--config", config, *argv)

    assert (got, out) == (code, "")
    assert len(err.strip().splitlines()) == 1
    assert message in err
