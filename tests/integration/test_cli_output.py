"""What the CLI prints, to the character: headers, JSON layout, the API's answer, a retry refused by hand."""

from __future__ import annotations

import io
import sys
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import update

from arthur_desktop.cli.main import main
from seed_data import add_user
from services.database import open_database
from services.end_chat import close_chat_and_enqueue
from services.storage.models import Delivery


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def write_config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return str(path)


def test_the_chats_table_names_every_column(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    code, out, _ = run(capsys, "--database-url", sqlite_url, "chats", "--limit", "1")

    assert code == 0
    assert out.splitlines()[0].split() == ["ID", "Customer", "Agent", "Status", "Created", "Handling", "Messages"]


def test_json_is_indented_by_two_spaces_and_keeps_names_unescaped(
    capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    database = open_database(sqlite_url)
    add_user(database, "Zoë Ó Súilleabháin")
    database.dispose()

    code, out, _ = run(capsys, "--database-url", sqlite_url, "user", "4", "--format", "json")

    assert code == 0
    assert out == '{\n  "user_id": 4,\n  "name": "Zoë Ó Súilleabháin"\n}\n'


def test_end_chat_on_the_api_prints_its_answer(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/t").respond_with_data('{"id": 7}', status=201)
    config = write_config(
        tmp_path, f'client = "savage_rentals"\n[savage_rentals]\napi_url = "{httpserver.url_for("/t")}"\n'
    )

    code, out, err = run(capsys, "--database-url", sqlite_url, "--config", config, "end-chat", "2")

    assert (code, err) == (0, "")
    assert out == 'Chat 2 ended. The API answered 201: {"id": 7}\n'


def test_retrying_by_hand_a_delivery_of_another_client_is_refused_and_it_still_needs_attention(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path
) -> None:
    """The config now names the folder client; the API's refused delivery is not sent there, nor queued for the
    automatic retries: it waits, needing attention, for the client it was made for."""
    database = open_database(sqlite_url)
    close_chat_and_enqueue(2, database.unit_of_work(), "savage_rentals", datetime(2020, 9, 29, 10))
    with database.engine.begin() as connection:
        connection.execute(update(Delivery).values(status="needs-attention", error="The API refused it: HTTP 401"))
    database.dispose()
    folder = tmp_path / "out"
    config = write_config(
        tmp_path, f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{folder}"\n'
    )

    code, _, err = run(capsys, "--database-url", sqlite_url, "--config", config, "deliveries", "--retry-id", "1")
    _, listed, _ = run(capsys, "--database-url", sqlite_url, "deliveries", "--format", "json")

    assert code == 1
    assert err == (
        "arthur-desktop: error: delivery 1 was not delivered: it is for the client savage_rentals, "
        "not the configured absolutely_class_airlines\n"
    )
    assert '"status": "needs-attention"' in listed
    assert not folder.exists()  # nothing delivered there: the folder appears at its first delivery


class Terminal(io.StringIO):
    """Standard error as a terminal: tqdm draws its bar only there, never into logs and pipes."""

    def isatty(self) -> bool:
        return True


def test_generate_draws_its_progress_to_the_last_chat_on_a_terminal_only(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["--database-url", sqlite_url, "generate", "--agents", "2", "--chats", "30", "--messages-per-chat", "1"]
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    code, out, _ = run(capsys, *argv)

    assert code == 0 and out.startswith("Added 2 agents, 30 chats and 30 messages")
    last_bar = terminal.getvalue().split("\r")[-1]
    assert last_bar.startswith("100%|") and " 30.0/30.0 " in last_bar and last_bar.endswith(" chats/s]\n")
    monkeypatch.undo()
    _, _, err = run(capsys, *argv, "--append")
    assert err == ""  # not a terminal: no bar
