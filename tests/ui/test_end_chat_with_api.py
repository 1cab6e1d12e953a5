"""Ending a chat with the Savage Rentals client against a real local HTTP server: answers, failures, slowness."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot
from werkzeug import Request, Response

from arthur_desktop.context import open_context
from arthur_desktop.main_window import MainWindow
from arthur_desktop.models.delivery_model import DeliveryModel
from dialogs import DialogAnswerer
from seed_data import SEED_DAY, add_chat
from services.config import load_config
from services.database import open_database
from services.deliveries import list_deliveries
from services.end_chat import close_chat_and_enqueue, end_chat
from services.results import DeliveryStatus
from window_helpers import OpenWindow, choose, click_row, select_chat, wait_until_idle

SLOW_SECONDS = 3


def start_ending_chat_2(qtbot: QtBot, window: MainWindow) -> None:
    select_chat(qtbot, window, 2)
    qtbot.mouseClick(window.transcript_panel.end_chat_button, Qt.MouseButton.LeftButton)


def end_chat_2(qtbot: QtBot, window: MainWindow, timeout: int = 10_000) -> None:
    with qtbot.waitSignal(window.transcript_panel.chat_ended, timeout=timeout):
        start_ending_chat_2(qtbot, window)
    wait_until_idle(qtbot, window, timeout)


def slow_handler(gate: threading.Event) -> Callable[[Request], Response]:
    def answer_late(_request: Request) -> Response:
        gate.wait(SLOW_SECONDS)
        return Response('{"stored": true}', status=200, content_type="application/json")

    return answer_late


def statuses(model: DeliveryModel) -> list[DeliveryStatus]:
    return [record.status for record in model.rows]


def test_the_api_response_shows_after_ending_a_chat(
    qtbot: QtBot,
    open_window: OpenWindow,
    api_config: Callable[..., Path],
    httpserver: HTTPServer,
    confirm: DialogAnswerer,
) -> None:
    httpserver.expect_oneshot_request("/transcripts", method="POST").respond_with_data(
        '{"id": 42, "status": "stored"}', status=201, content_type="application/json"
    )
    window = open_window(api_config())

    end_chat_2(qtbot, window)

    result = window.transcript_panel.result_box
    assert (
        result.message.text()
        == 'Chat 2 ended.\nTranscript delivered: HTTP 201.\nResponse: {"id": 42, "status": "stored"}'
    )
    assert result.property("tone") == "success"
    assert not result.open_folder_button.isVisible()
    assert httpserver.log[0][0].get_json()["content"].startswith("Chat on 29 Sep 2020 09:02:")
    assert statuses(window.deliveries_panel.model) == [DeliveryStatus.DELIVERED]


def test_an_api_answering_with_no_body_shows_only_its_status(
    qtbot: QtBot,
    open_window: OpenWindow,
    api_config: Callable[..., Path],
    httpserver: HTTPServer,
    confirm: DialogAnswerer,
) -> None:
    httpserver.expect_oneshot_request("/transcripts", method="POST").respond_with_data("", status=204)
    window = open_window(api_config())

    end_chat_2(qtbot, window)

    assert window.transcript_panel.result_box.message.text() == "Chat 2 ended.\nTranscript delivered: HTTP 204."


def test_a_500_shows_a_queued_delivery_that_retry_delivers(
    qtbot: QtBot,
    open_window: OpenWindow,
    api_config: Callable[..., Path],
    httpserver: HTTPServer,
    confirm: DialogAnswerer,
) -> None:
    httpserver.expect_oneshot_request("/transcripts").respond_with_data("CRM is down", status=500)
    window = open_window(api_config())

    end_chat_2(qtbot, window)

    result = window.transcript_panel.result_box
    assert result.message.text() == (
        "Chat 2 ended; its transcript is queued.\nThe Savage Rentals API failed with HTTP 500: CRM is down"
    )
    assert result.property("tone") == "warning"
    assert result.retry_button.isVisible()
    assert window.tabs.tabText(1) == "Deliveries (1)"
    assert "1 transcript is waiting to be delivered" in window.message_bar.label.text()
    assert [r.chats_handled for r in window.performance_panel.model.rows] == [2, 0, 2]

    httpserver.expect_oneshot_request("/transcripts").respond_with_data('{"id": 43}')
    with qtbot.waitSignal(window.transcript_panel.delivery_retried):
        qtbot.mouseClick(result.retry_button, Qt.MouseButton.LeftButton)
    wait_until_idle(qtbot, window)

    assert result.message.text() == 'Transcript delivered: HTTP 200.\nResponse: {"id": 43}'
    assert statuses(window.deliveries_panel.model) == [DeliveryStatus.DELIVERED]
    assert window.tabs.tabText(1) == "Deliveries"
    assert not window.message_bar.isVisible()


def test_the_deliveries_view_retries_the_selected_failed_delivery(
    qtbot: QtBot,
    open_window: OpenWindow,
    api_config: Callable[..., Path],
    httpserver: HTTPServer,
    confirm: DialogAnswerer,
) -> None:
    httpserver.expect_oneshot_request("/transcripts").respond_with_data("nope", status=503)
    window = open_window(api_config())
    end_chat_2(qtbot, window)
    panel = window.deliveries_panel
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert statuses(panel.model) == [DeliveryStatus.FAILED]
    assert not panel.retry_button.isEnabled()

    click_row(qtbot, panel.table, panel.model.rows[0].delivery_id)
    assert panel.retry_button.isEnabled()
    httpserver.expect_oneshot_request("/transcripts").respond_with_json({"id": 44})
    qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: statuses(panel.model) == [DeliveryStatus.DELIVERED])

    assert not panel.retry_button.isEnabled()
    assert panel.model.rows[0].attempts == 2


def test_the_deliveries_view_filters_by_status(
    qtbot: QtBot,
    open_window: OpenWindow,
    api_config: Callable[..., Path],
    httpserver: HTTPServer,
    confirm: DialogAnswerer,
) -> None:
    httpserver.expect_oneshot_request("/transcripts").respond_with_data("nope", status=503)
    window = open_window(api_config())
    end_chat_2(qtbot, window)
    panel = window.deliveries_panel
    shown = panel.table.proxy

    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)

    choose(qtbot, panel.status_box, "Delivered")
    assert shown.rowCount() == 0
    choose(qtbot, panel.status_box, "Failed")
    assert shown.rowCount() == 1
    choose(qtbot, panel.status_box, "All deliveries")
    assert shown.rowCount() == 1


def test_the_window_delivers_transcripts_left_queued_when_it_starts(
    qtbot: QtBot, open_window: OpenWindow, api_config: Callable[..., Path], httpserver: HTTPServer, sqlite_url: str
) -> None:
    config = api_config()
    httpserver.expect_oneshot_request("/transcripts").respond_with_data("down", status=500)
    database = open_database(sqlite_url)
    try:
        queued = end_chat(2, database.unit_of_work(), load_config(str(config), {}).integration)
    finally:
        database.dispose()
    assert queued.status == "queued"
    httpserver.expect_oneshot_request("/transcripts").respond_with_data('{"id": 45}')

    window = open_window(config)

    qtbot.waitUntil(lambda: statuses(window.deliveries_panel.model) == [DeliveryStatus.DELIVERED])
    assert window.tabs.tabText(1) == "Deliveries"


def test_the_window_keeps_responding_while_a_slow_api_answers(
    qtbot: QtBot,
    open_window: OpenWindow,
    api_config: Callable[..., Path],
    httpserver: HTTPServer,
    api_gate: threading.Event,
    confirm: DialogAnswerer,
) -> None:
    httpserver.expect_oneshot_request("/transcripts").respond_with_handler(slow_handler(api_gate))
    window = open_window(api_config(timeout_seconds=SLOW_SECONDS + 2))
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)

    start_ending_chat_2(qtbot, window)
    qtbot.waitUntil(lambda: len(ticks) >= 25)  # half a second of a GUI thread that keeps running

    panel = window.transcript_panel
    assert panel.busy_indicator.isVisible() and not panel.end_chat_button.isEnabled()
    assert window.runner.is_running("end-chat")
    qtbot.keyClicks(window.chat_panel.search_box, "J")  # the window still takes input
    assert window.chat_panel.search_box.text() == "J"
    with qtbot.waitSignal(panel.chat_ended, timeout=(SLOW_SECONDS + 2) * 1000):
        api_gate.set()
    timer.stop()
    assert (
        panel.result_box.message.text() == 'Chat 2 ended.\nTranscript delivered: HTTP 200.\nResponse: {"stored": true}'
    )


def test_an_api_slower_than_its_timeout_leaves_the_transcript_queued(
    qtbot: QtBot,
    open_window: OpenWindow,
    api_config: Callable[..., Path],
    httpserver: HTTPServer,
    api_gate: threading.Event,
    confirm: DialogAnswerer,
) -> None:
    httpserver.expect_oneshot_request("/transcripts").respond_with_handler(slow_handler(api_gate))
    window = open_window(api_config(timeout_seconds=1))

    end_chat_2(qtbot, window)

    result = window.transcript_panel.result_box
    assert result.message.text() == (
        "Chat 2 ended; its transcript is queued.\nThe Savage Rentals API did not answer within 1 s."
    )
    assert result.retry_button.isVisible()
    assert statuses(window.deliveries_panel.model) == [DeliveryStatus.FAILED]


def test_closing_the_window_does_not_wait_for_the_whole_delivery_queue(
    qtbot: QtBot,
    api_config: Callable[..., Path],
    httpserver: HTTPServer,
    sqlite_url: str,
    api_gate: threading.Event,
    window_settings: QSettings,
) -> None:
    config = api_config(timeout_seconds=5)
    httpserver.expect_request("/transcripts").respond_with_handler(slow_handler(api_gate))
    database = open_database(sqlite_url)
    chats = [add_chat(database, user_id=1, start=SEED_DAY, seconds=None) for _ in range(4)]
    for chat_id in chats:
        close_chat_and_enqueue(chat_id, database.unit_of_work(), "savage_rentals", SEED_DAY)
    context = open_context(sqlite_url, str(config), {})
    window = MainWindow(context, window_settings)
    window.save_layout_on_close = False
    window.show()
    window.start()  # retries the four queued transcripts; the API holds the first one
    threading.Timer(0.3, api_gate.set).start()

    window.close()
    context.close()

    untouched = [d for d in list_deliveries(database.unit_of_work()) if d.attempts == 0]
    database.dispose()
    assert len(untouched) >= 3
