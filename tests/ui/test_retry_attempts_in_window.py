"""After retries, the Deliveries "Attempts" column and the status bar say what happened, not what was before."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot
from werkzeug import Request, Response

from arthur_desktop.main_window import MainWindow
from arthur_desktop.models.delivery_model import ATTEMPTS_COLUMN, ATTEMPTS_TOOLTIP
from dialogs import DialogAnswerer
from window_helpers import OpenWindow, click_row, select_chat, wait_until_idle, write_config

QUEUED = "Chat 2 ended; its transcript is queued for a retry."
DELIVERED = "The transcript of chat 2 was delivered (HTTP 201)."


@pytest.fixture
def retrying_api_config(tmp_path: Path, httpserver: HTTPServer) -> Path:
    """Savage Rentals with three retries of its own: four requests per delivery at most."""
    url = httpserver.url_for("/transcripts")
    section = f'api_url = "{url}"\ntimeout_seconds = 2\nretries = 3\nbackoff_seconds = 0\n'
    return write_config(tmp_path, f'client = "savage_rentals"\n[savage_rentals]\n{section}')


def api_down(httpserver: HTTPServer) -> Callable[[], None]:
    """The API fails every request with HTTP 500; the returned call makes it answer 201 from then on."""
    up: list[bool] = []

    def answer(_request: Request) -> Response:
        if up:
            return Response('{"stored": true}', status=201, content_type="application/json")
        return Response("the CRM is down", status=500)

    httpserver.expect_request("/transcripts", method="POST").respond_with_handler(answer)
    return lambda: up.append(True)


def end_chat_2(qtbot: QtBot, window: MainWindow) -> None:
    select_chat(qtbot, window, 2)
    with qtbot.waitSignal(window.transcript_panel.chat_ended, timeout=15_000):
        qtbot.mouseClick(window.transcript_panel.end_chat_button, Qt.MouseButton.LeftButton)
    wait_until_idle(qtbot, window, 10_000)


def attempts_shown(window: MainWindow) -> str:
    model = window.deliveries_panel.model
    return str(model.data(model.index(0, ATTEMPTS_COLUMN), Qt.ItemDataRole.DisplayRole))


def test_four_requests_then_a_retry_clicked_under_the_transcript_show_five_attempts_and_delivered(
    qtbot: QtBot,
    open_window: OpenWindow,
    retrying_api_config: Path,
    httpserver: HTTPServer,
    confirm: DialogAnswerer,
) -> None:
    come_back = api_down(httpserver)
    window = open_window(retrying_api_config)

    end_chat_2(qtbot, window)
    assert (window.status.currentMessage(), attempts_shown(window), len(httpserver.log)) == (QUEUED, "4", 4)

    come_back()
    with qtbot.waitSignal(window.transcript_panel.delivery_retried, timeout=10_000):
        qtbot.mouseClick(window.transcript_panel.result_box.retry_button, Qt.MouseButton.LeftButton)
    wait_until_idle(qtbot, window)

    assert (window.status.currentMessage(), attempts_shown(window), len(httpserver.log)) == (DELIVERED, "5", 5)
    header = window.deliveries_panel.model.headerData(
        ATTEMPTS_COLUMN, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert header == ATTEMPTS_TOOLTIP


def test_retry_clicked_in_the_deliveries_view_replaces_queued_in_the_status_bar(
    qtbot: QtBot,
    open_window: OpenWindow,
    retrying_api_config: Path,
    httpserver: HTTPServer,
    confirm: DialogAnswerer,
) -> None:
    come_back = api_down(httpserver)
    window = open_window(retrying_api_config)
    end_chat_2(qtbot, window)
    panel = window.deliveries_panel
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    click_row(qtbot, panel.table, panel.model.rows[0].delivery_id)
    assert window.status.currentMessage() == QUEUED

    come_back()
    with qtbot.waitSignal(panel.retried, timeout=10_000):
        qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    wait_until_idle(qtbot, window)

    assert (window.status.currentMessage(), attempts_shown(window)) == (DELIVERED, "5")


def test_a_retry_that_fails_again_says_still_queued_and_counts_every_request(
    qtbot: QtBot,
    open_window: OpenWindow,
    retrying_api_config: Path,
    httpserver: HTTPServer,
    confirm: DialogAnswerer,
) -> None:
    api_down(httpserver)
    window = open_window(retrying_api_config)
    end_chat_2(qtbot, window)

    with qtbot.waitSignal(window.transcript_panel.delivery_retried, timeout=10_000):
        qtbot.mouseClick(window.transcript_panel.result_box.retry_button, Qt.MouseButton.LeftButton)
    wait_until_idle(qtbot, window)

    still_queued = "The transcript of chat 2 is still queued for a retry."
    assert (window.status.currentMessage(), attempts_shown(window), len(httpserver.log)) == (still_queued, "8", 8)
