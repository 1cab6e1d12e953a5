"""The window with an API that refuses: the delivery needs attention, shows why, and is retried only by hand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot

from arthur_desktop.main_window import MainWindow
from raw_http_server import raw_server
from secret_echo import QUERY, USER_INFO, assert_no_secret_in, echo
from services.config import load_config
from services.database import open_database
from services.end_chat import end_chat
from services.results import DeliveryStatus
from window_helpers import OpenWindow, displayed, wait_until_idle, write_config

REFUSAL = "The Savage Rentals API refused the transcript (HTTP 403): this key may not post transcripts"


def refuse(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/transcripts", method="POST").respond_with_json(
        {"message": "this key may not post transcripts"}, status=403
    )


def end_chat_2(qtbot: QtBot, window: MainWindow) -> None:
    assert window.chat_panel.select_chat(2)
    wait_until_idle(qtbot, window)
    with qtbot.waitSignal(window.transcript_panel.chat_ended, timeout=10_000):
        window.transcript_panel.end_chat_button.click()
    wait_until_idle(qtbot, window)


def test_a_refused_transcript_shows_its_reason_and_waits_for_a_retry_by_hand(
    qtbot: QtBot, open_window: OpenWindow, api_config: Callable[..., Path], httpserver: HTTPServer, confirm: list[str]
) -> None:
    refuse(httpserver)
    window = open_window(api_config())

    end_chat_2(qtbot, window)

    result = window.transcript_panel.result_box
    assert result.message.text() == (
        f"Chat 2 ended; its transcript was refused.\n{REFUSAL}\n"
        "It is not retried automatically: fix the client configuration, then Retry."
    )
    assert result.property("tone") == "error"
    assert result.retry_button.isVisible()
    panel = window.deliveries_panel
    [row] = displayed(panel.model)
    assert (row[3], row[6]) == ("Needs attention", REFUSAL)
    assert panel.model.index(0, 6).data(Qt.ItemDataRole.ToolTipRole) == REFUSAL
    assert not panel.retry_all_button.isEnabled()  # "Retry all" would not send it
    assert window.tabs.tabText(1) == "Deliveries (1)"
    panel.status_box.setCurrentText("Needs attention")
    assert panel.table.proxy.rowCount() == 1

    assert panel.select_delivery(panel.model.rows[0].delivery_id)
    assert panel.retry_button.isEnabled()
    httpserver.expect_oneshot_request("/transcripts", method="POST").respond_with_json({"id": 7}, status=201)
    panel.retry_button.click()
    qtbot.waitUntil(lambda: [r.status for r in panel.model.rows] == [DeliveryStatus.DELIVERED])
    assert panel.model.rows[0].attempts == 2
    assert window.tabs.tabText(1) == "Deliveries"


def test_start_up_and_retry_all_leave_a_refused_transcript_alone(
    qtbot: QtBot, open_window: OpenWindow, api_config: Callable[..., Path], httpserver: HTTPServer, sqlite_url: str
) -> None:
    config = api_config()
    refuse(httpserver)
    database = open_database(sqlite_url)
    try:
        assert end_chat(2, database.unit_of_work(), load_config(str(config), {}).integration).status == (
            "needs-attention"
        )
    finally:
        database.dispose()

    window = open_window(config)  # start-up retries what is queued
    window.deliveries_panel.retry_all()
    wait_until_idle(qtbot, window)

    assert len(httpserver.log) == 1
    assert [r.status for r in window.deliveries_panel.model.rows] == [DeliveryStatus.NEEDS_ATTENTION]
    assert "1 transcript is waiting to be delivered" in window.message_bar.label.text()


def test_no_secret_the_api_echoes_reaches_the_window(
    qtbot: QtBot, open_window: OpenWindow, tmp_path: Path, confirm: list[str]
) -> None:
    with raw_server(echo(401)) as server:
        url = server.url().replace("http://", f"http://{USER_INFO}") + QUERY
        config = write_config(
            tmp_path, f'client = "savage_rentals"\n[savage_rentals]\napi_url = "{url}"\nretries = 0\n'
        )
        window = open_window(config)
        end_chat_2(qtbot, window)

    panel = window.deliveries_panel
    cells = [
        str(panel.model.index(row, column).data(role))
        for row in range(panel.model.rowCount())
        for column in range(panel.model.columnCount())
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    ]
    bar = [window.status.currentMessage(), *(label.text() for label in window.status.findChildren(QLabel))]
    shown = [window.transcript_panel.result_box.message.text(), *bar, *cells]
    assert "<hidden>" in shown[0]
    assert_no_secret_in(*shown, window.windowTitle(), window.message_bar.label.text())
