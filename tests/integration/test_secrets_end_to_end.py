"""An API that echoes every secret back leaves none on stdout, stderr, in the logs or in the database.

The command line runs against a real database (SQLite and PostgreSQL) and the echoing server on 127.0.0.1.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from arthur_desktop.cli.main import main
from raw_http_server import raw_server
from secret_echo import CORE, QUERY, TOKEN, assert_no_secret_in, echo


def write_config(tmp_path: Path, url: str) -> str:
    path = tmp_path / "api.toml"
    path.write_text(
        f'client = "savage_rentals"\n[savage_rentals]\napi_url = "{url}{QUERY}"\ntoken_env = "SR_TOKEN"\n'
        "retries = 1\nbackoff_seconds = 0\ntimeout_seconds = 2\n"
    )
    return str(path)


def stored_deliveries(database_url: str) -> str:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return repr(connection.execute(text("SELECT * FROM deliveries")).all())
    finally:
        engine.dispose()


@pytest.mark.parametrize("status", [401, 503, 201])
def test_nothing_the_command_line_prints_logs_or_stores_holds_a_secret(
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    tmp_path: Path,
    status: int,
) -> None:
    monkeypatch.setenv("SR_TOKEN", TOKEN)
    caplog.set_level(logging.DEBUG)
    with raw_server(echo(status)) as server:
        base = ["--database-url", database_url, "--config", write_config(tmp_path, server.url())]
        main([*base, "end-chat", "2"])
        main([*base, "end-chat", "4", "--format", "json"])
        main([*base, "deliveries", "--retry"])
        main([*base, "deliveries", "--retry-id", "1", "--format", "json"])
        out, err = capsys.readouterr()

    assert CORE in server.requests[0].decode()  # the secrets went out, and came back in every form
    stored = stored_deliveries(database_url)
    assert_no_secret_in(out, err, caplog.text, stored)
    assert "<hidden>" in stored


def test_the_program_logs_nothing_secret_even_at_debug_level(tmp_path: Path) -> None:
    database = tmp_path / "arthur.db"
    environment = {**os.environ, "SR_TOKEN": TOKEN, "ARTHUR_LOG_LEVEL": "DEBUG"}
    with raw_server(echo(503)) as server:
        config = write_config(tmp_path, server.url())
        argv = ["--database-url", f"sqlite:///{database}", "--config", config, "end-chat", "2"]
        finished = subprocess.run(
            [sys.executable, "-m", "arthur_desktop", *argv],
            capture_output=True,
            text=True,
            env=environment,
            timeout=60,
            check=False,
        )

    assert finished.returncode == 1
    assert len(server.requests) == 2  # retried once: urllib3 and the app both had something to log
    assert "DEBUG urllib3.connectionpool: http://127.0.0.1" in finished.stderr
    assert "POST /transcripts?<hidden> HTTP/1.1" in finished.stderr
    assert_no_secret_in(finished.stdout, finished.stderr)
