"""A person's terminal gets the one error line; log records reach stderr only when ARTHUR_LOG_LEVEL asks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def refusing_api() -> str:
    """An address on 127.0.0.1 where nothing listens: urllib3 logs each retry of the connection, then it fails."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
    return f"http://127.0.0.1:{port}/transcripts"


def run_cli(
    tmp_path: Path, api_url: str, *argv: str, log_level: str | None = None, state_home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "api.toml"
    config.write_text(
        f'client = "savage_rentals"\n[savage_rentals]\napi_url = "{api_url}"\n'
        "retries = 2\nbackoff_seconds = 0.01\ntimeout_seconds = 5\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "ARTHUR_LOG_LEVEL"}
    if log_level is not None:
        environment["ARTHUR_LOG_LEVEL"] = log_level
    if state_home is not None:
        environment["XDG_STATE_HOME"] = str(state_home)
    options = ["--database-url", f"sqlite:///{tmp_path / 'arthur.db'}", "--config", str(config)]
    return subprocess.run(
        [sys.executable, "-m", "arthur_desktop", *options, *argv],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_failed_delivery_is_one_line_on_stderr_and_the_retry_one_more(tmp_path: Path, refusing_api: str) -> None:
    ended = run_cli(tmp_path, refusing_api, "end-chat", "2")
    retried = run_cli(tmp_path, refusing_api, "deliveries", "--retry")

    assert (ended.returncode, ended.stdout) == (1, "")
    [line] = ended.stderr.splitlines()
    assert line.startswith("arthur-desktop: error: chat 2 ended, but its transcript was not delivered (")
    assert line.endswith("it is queued: run 'arthur-desktop deliveries --retry'.")
    assert (retried.returncode, retried.stderr) == (
        1,
        "arthur-desktop: error: Retried 1 delivery: 1 failed; 1 remains undelivered.\n",
    )


@pytest.mark.parametrize("level", ["info", "DEBUG"])
def test_arthur_log_level_sends_our_and_the_librarys_records_to_stderr(
    tmp_path: Path, refusing_api: str, level: str
) -> None:
    ended = run_cli(tmp_path, refusing_api, "end-chat", "2", log_level=level)

    lines = ended.stderr.splitlines()
    assert ended.returncode == 1
    assert any("WARNING integrations.savage_rentals: Delivering chat 2" in line for line in lines)
    assert any("WARNING services.deliveries: Delivery 1 failed" in line for line in lines)
    connections = any("DEBUG urllib3.connectionpool: Starting new HTTP connection" in line for line in lines)
    assert connections == (level == "DEBUG")
    assert lines[-1].startswith("arthur-desktop: error: chat 2 ended")


def test_arthur_log_level_warning_leaves_out_the_info_records(tmp_path: Path, refusing_api: str) -> None:
    ended = run_cli(tmp_path, refusing_api, "end-chat", "2", log_level="WARNING")

    assert " WARNING " in ended.stderr
    assert " INFO " not in ended.stderr and " DEBUG " not in ended.stderr


def log_file(state_home: Path) -> Path:
    return state_home / "arthur-desktop" / "log" / "arthur-desktop.log"


def test_the_records_behind_a_failed_delivery_go_to_the_log_file(tmp_path: Path, refusing_api: str) -> None:
    state = tmp_path / "state"
    ended = run_cli(tmp_path, refusing_api, "end-chat", "2", state_home=state)

    assert len(ended.stderr.splitlines()) == 1
    written = log_file(state).read_text("utf-8")
    assert "WARNING services.deliveries: Delivery 1 failed" in written
    assert "WARNING integrations.savage_rentals: Delivering chat 2" in written


def test_a_command_that_logs_nothing_leaves_no_log_folder(tmp_path: Path, refusing_api: str) -> None:
    run_cli(tmp_path, refusing_api, "init-db", state_home=tmp_path / "state-of-the-set-up")  # made, and logged
    state = tmp_path / "state"
    shown = run_cli(tmp_path, refusing_api, "performance", state_home=state)

    assert (shown.returncode, shown.stderr) == (0, "")
    assert not state.exists()


def test_a_log_folder_that_cannot_be_made_costs_the_log_not_a_second_line(tmp_path: Path, refusing_api: str) -> None:
    in_the_way = tmp_path / "state"
    in_the_way.write_text("a file where the log folder would go")
    ended = run_cli(tmp_path, refusing_api, "end-chat", "2", state_home=in_the_way)

    assert ended.returncode == 1
    [line] = ended.stderr.splitlines()
    assert line.startswith("arthur-desktop: error: chat 2 ended")
