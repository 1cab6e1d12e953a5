"""Real `arthur-desktop` processes stopped by real signals while a transcript is in flight to a slow real API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select, update

from services.clock import utc_now
from services.database import open_database
from services.delivery_claims import INTERRUPTED
from services.end_chat import close_chat_and_enqueue
from services.storage.models import Delivery

HOLD_SECONDS = 30


class SlowApi:
    """An HTTP API on 127.0.0.1 that holds every request until it is released."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.arrived = threading.Event()
        self.released = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _HoldingHandler)
        self.server.daemon_threads = True
        self.server.api = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/transcripts"

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


class _HoldingHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        api: SlowApi = self.server.api  # type: ignore[attr-defined]
        api.bodies.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        api.arrived.set()
        api.released.wait(HOLD_SECONDS)
        try:
            self.send_response(201)
            self.send_header("Content-Length", "7")
            self.end_headers()
            self.wfile.write(b"created")
        except OSError:
            pass  # the client was killed while it waited

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api() -> Iterator[SlowApi]:
    server = SlowApi()
    yield server
    server.close()


@pytest.fixture
def config(tmp_path: Path, api: SlowApi) -> Path:
    path = tmp_path / "api.toml"
    path.write_text(f'client = "savage_rentals"\n[savage_rentals]\napi_url = "{api.url}"\nretries = 0\n')
    return path


class Desktop:
    """The CLI as one user on one machine runs it: its own data folder, hence its own desktop id."""

    def __init__(self, folder: Path, database_url: str, config: Path) -> None:
        self.environment = {k: v for k, v in os.environ.items() if k != "ARTHUR_LOG_LEVEL"}
        self.environment.update(XDG_DATA_HOME=str(folder / "data"), XDG_CONFIG_HOME=str(folder / "config"))
        self.options = ["--database-url", database_url, "--config", str(config)]

    def start(self, *argv: str) -> subprocess.Popen[str]:
        command = [sys.executable, "-m", "arthur_desktop", *self.options, *argv]
        return subprocess.Popen(
            command, env=self.environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        process = self.start(*argv)
        out, err = process.communicate(timeout=60)
        return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def stop_mid_delivery(process: subprocess.Popen[str], api: SlowApi, signum: int) -> tuple[int, str, str]:
    """Wait until the transcript reaches the API (which holds it), then send signum to the process."""
    if not api.arrived.wait(HOLD_SECONDS):
        process.kill()
        pytest.fail(f"the delivery never reached the API: {process.communicate()[1]}")
    os.kill(process.pid, signum)
    out, err = process.communicate(timeout=60)
    api.arrived.clear()
    return process.returncode, out, err


def delivery_row(database_url: str) -> tuple[str, int, str | None, str | None]:
    database = open_database(database_url)
    with database.unit_of_work() as uow:
        row = uow.session.execute(select(Delivery.status, Delivery.attempts, Delivery.claimed_by, Delivery.error)).one()
    database.dispose()
    return (row.status, row.attempts, row.claimed_by, row.error)


def age_the_claims(database_url: str) -> None:
    database = open_database(database_url)
    with database.unit_of_work() as uow:
        uow.session.execute(update(Delivery).values(claimed_at=datetime(2000, 1, 1)))
        uow.commit()
    database.dispose()


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_or_sigterm_mid_delivery_puts_it_back_says_one_line_and_exits_128_plus_the_signal(
    database_url: str, config: Path, api: SlowApi, tmp_path: Path, signum: int, code: int
) -> None:
    desktop = Desktop(tmp_path / "a", database_url, config)

    stopped = stop_mid_delivery(desktop.start("end-chat", "2"), api, signum)

    assert stopped == (code, "", "arthur-desktop: interrupted; delivery 1 is queued for a retry\n")
    assert delivery_row(database_url) == ("failed", 1, None, INTERRUPTED)  # free for any desktop's next retry


def test_a_delivery_killed_mid_flight_is_retried_at_once_when_the_same_desktop_restarts(
    database_url: str, config: Path, api: SlowApi, tmp_path: Path
) -> None:
    desktop = Desktop(tmp_path / "a", database_url, config)

    killed, _, _ = stop_mid_delivery(desktop.start("end-chat", "2"), api, signal.SIGKILL)
    status, attempts, claimed_by, _ = delivery_row(database_url)
    api.released.set()
    restarted = desktop.run("deliveries", "--retry")

    assert (killed, status, attempts, claimed_by is not None) == (-signal.SIGKILL, "delivering", 1, True)
    assert (restarted.returncode, restarted.stderr) == (0, "")
    assert restarted.stdout.splitlines()[-1] == "Retried 1 delivery: 1 delivered."
    assert delivery_row(database_url)[:3] == ("delivered", 2, None)
    assert len(api.bodies) == 2


def test_another_desktop_takes_a_killed_delivery_only_after_the_lease_and_says_what_it_could_not_take(
    database_url: str, config: Path, api: SlowApi, tmp_path: Path
) -> None:
    killed_desktop, other_desktop = (Desktop(tmp_path / name, database_url, config) for name in ("a", "b"))

    stop_mid_delivery(killed_desktop.start("end-chat", "2"), api, signal.SIGKILL)
    api.released.set()
    within_the_lease = other_desktop.run("deliveries", "--retry")
    age_the_claims(database_url)
    after_the_lease = other_desktop.run("deliveries", "--retry")

    assert (within_the_lease.returncode, within_the_lease.stderr) == (
        1,
        "arthur-desktop: error: Retried 1 delivery: 1 held by another desktop or window; 1 remains undelivered.\n",
    )
    assert (after_the_lease.returncode, after_the_lease.stderr) == (0, "")
    assert delivery_row(database_url)[:2] == ("delivered", 2)


def test_a_delivery_another_window_of_this_desktop_is_making_is_left_to_it(
    database_url: str, config: Path, api: SlowApi, tmp_path: Path
) -> None:
    desktop = Desktop(tmp_path / "a", database_url, config)

    ending = desktop.start("end-chat", "2")
    assert api.arrived.wait(HOLD_SECONDS), ending.communicate()
    meanwhile = desktop.run("deliveries", "--retry")
    api.released.set()
    ended_out, ended_err = ending.communicate(timeout=60)

    assert meanwhile.returncode == 1
    assert "1 held by another desktop or window" in meanwhile.stderr
    assert (ending.returncode, ended_err) == (0, "")
    assert ended_out.strip() == "Chat 2 ended. The API answered 201: created"
    assert delivery_row(database_url)[:2] == ("delivered", 1)
    assert len(api.bodies) == 1


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_or_a_closed_terminal_during_deliveries_retry_puts_the_delivery_back(
    sqlite_url: str, config: Path, api: SlowApi, tmp_path: Path, signum: int, code: int
) -> None:
    database = open_database(sqlite_url)
    close_chat_and_enqueue(2, database.unit_of_work(), "savage_rentals", utc_now())
    database.dispose()
    desktop = Desktop(tmp_path / "a", sqlite_url, config)

    stopped = stop_mid_delivery(desktop.start("deliveries", "--retry"), api, signum)

    assert stopped == (code, "", "arthur-desktop: interrupted; delivery 1 is queued for a retry\n")
    assert delivery_row(sqlite_url) == ("failed", 1, None, INTERRUPTED)
