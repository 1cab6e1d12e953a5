"""The window's start-up retry and deliveries a killed window left in flight on this desktop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot
from werkzeug import Request, Response

from services.clock import utc_now
from services.database import open_database
from services.end_chat import close_chat_and_enqueue
from services.results import DeliveryStatus
from window_helpers import OpenWindow

HOLD_SECONDS = 20


def test_a_delivery_a_killed_window_left_in_flight_is_made_at_once_when_the_window_starts_again(
    qtbot: QtBot,
    open_window: OpenWindow,
    api_config: Callable[..., Path],
    httpserver: HTTPServer,
    sqlite_url: str,
    tmp_path: Path,
) -> None:
    arrived, gate = threading.Event(), threading.Event()

    def hold(_request: Request) -> Response:
        arrived.set()
        gate.wait(HOLD_SECONDS)
        return Response("late", status=200)

    httpserver.expect_oneshot_request("/transcripts").respond_with_handler(hold)
    httpserver.expect_oneshot_request("/transcripts").respond_with_data('{"id": 7}', status=201)
    config = api_config(timeout_seconds=HOLD_SECONDS)
    database = open_database(sqlite_url)
    close_chat_and_enqueue(2, database.unit_of_work(), "savage_rentals", utc_now())
    database.dispose()
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "xdg-config")}
    first_window = subprocess.Popen(
        [sys.executable, "-m", "arthur_desktop", "--database-url", sqlite_url, "--config", str(config)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    reached_the_api = arrived.wait(HOLD_SECONDS)
    os.kill(first_window.pid, signal.SIGKILL)
    _, first_errors = first_window.communicate(timeout=HOLD_SECONDS)
    gate.set()
    assert reached_the_api, first_errors

    window = open_window(config)

    qtbot.waitUntil(lambda: [r.status for r in window.deliveries_panel.model.rows] == [DeliveryStatus.DELIVERED])
    [record] = window.deliveries_panel.model.rows
    assert (record.attempts, record.http_status, record.response) == (2, 201, '{"id": 7}')
    assert first_window.returncode == -signal.SIGKILL
