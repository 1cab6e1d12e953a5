"""Several chats selected with real Ctrl- and Shift-clicks and ended after one confirmation, each on its own:
one ended by another program in between is refused and listed, one whose folder cannot be made is queued, the
others are delivered; the outcomes stay in view after the list refreshes without the chats, until dismissed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text
from werkzeug import Request, Response

from arthur_desktop.main_window import MainWindow
from arthur_desktop.widgets.transcript_panel import NO_SELECTION
from dialogs import DialogAnswerer
from seed_data import add_recent_chat
from services.clock import utc_now
from services.results import ChatStatus
from window_helpers import OpenWindow, activate, chat_ids, choose, click_row, wait_until_idle

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def in_progress_view(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.chat_panel.loaded):
        choose(qtbot, window.chat_panel.status_box, "In progress")
    wait_until_idle(qtbot, window)


def end_elsewhere(url: str, chat_id: int) -> None:
    """Another program ends the chat: its own connection, its own transaction."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE chats SET handle_end = :now WHERE chat_id = :id"), {"now": utc_now(), "id": chat_id}
        )
    engine.dispose()


def test_several_chats_end_after_one_confirmation_and_each_outcome_is_listed_and_stays(
    qtbot: QtBot,
    open_window: OpenWindow,
    folder_config: Path,
    output_folder: Path,
    sqlite_url: str,
    confirm: DialogAnswerer,
) -> None:
    window = open_window(folder_config)
    database = window.context.database
    kim = add_recent_chat(database, "Kim", waited=400, running=300, user_id=2)
    lee = add_recent_chat(database, "Lee", waited=500, running=400, user_id=3)
    max_ = add_recent_chat(database, "Max", waited=600, running=500, user_id=3)
    in_progress_view(qtbot, window)
    assert chat_ids(window) == [kim, lee, max_, 2]  # newest first
    table, panel = window.chat_panel.table, window.transcript_panel

    click_row(qtbot, table, kim)
    click_row(qtbot, table, max_, SHIFT)
    click_row(qtbot, table, 2, CTRL)
    wait_until_idle(qtbot, window)
    assert [chat.chat_id for chat in window.chat_panel.selected_chats()] == [kim, lee, max_, 2]
    assert panel.end_chat_button.text() == "End 4 chats" and panel.end_chat_button.isEnabled()

    end_elsewhere(sqlite_url, lee)  # the list still shows Lee's chat in progress
    output_folder.mkdir()
    (output_folder / "max").write_text("a file where Max's folder would go", "utf-8")
    progress: list[list[str]] = []
    panel.result_box.outcomes.model().dataChanged.connect(lambda *_: progress.append(panel.result_box.outcome_lines))
    with qtbot.waitSignal(panel.chats_ended, timeout=10_000):
        qtbot.mouseClick(panel.end_chat_button, Qt.MouseButton.LeftButton)
    wait_until_idle(qtbot, window)

    assert len(confirm.seen) == 1
    assert (confirm.seen[0].title, confirm.seen[0].clicked) == ("End chats", "Yes")
    assert confirm.texts[0] == (
        f"End 4 chats?\n\nChat {kim} with Kim\nChat {lee} with Lee\nChat {max_} with Max\nChat 2 with Jane\n\n"
        f"Each transcript will be sent to Absolutely Class Airlines folder · {output_folder}."
    )
    lines = panel.result_box.outcome_lines
    assert lines[0] == f"Chat {kim} · Kim: ended. Transcript saved to {output_folder / 'kim' / '1.txt'}"
    assert lines[1] == f"Chat {lee} · Lee: not ended: Chat {lee} has already ended."
    assert lines[2].startswith(f"Chat {max_} · Max: ended; its transcript is queued: ")
    assert lines[3] == f"Chat 2 · Jane: ended. Transcript saved to {output_folder / 'jane' / '1.txt'}"
    assert (output_folder / "kim" / "1.txt").is_file() and (output_folder / "jane" / "1.txt").is_file()
    assert not (output_folder / "lee").exists()
    assert [sum(": ending…" in line for line in lines) for lines in progress] == [3, 2, 1, 0]  # one by one
    assert (
        panel.result_box.message.text() == "3 of 4 chats ended; 2 transcripts delivered. 1 not ended (see why below)."
    )

    assert chat_ids(window) == []  # the "In progress" list refreshed without them ...
    assert panel.result_box.isVisible() and panel.result_box.outcome_lines == lines  # ... and the outcome stays
    assert panel.chat is not None and (panel.chat.chat_id, panel.chat.status) == (2, ChatStatus.ENDED)
    assert panel.view.toPlainText() == (output_folder / "jane" / "1.txt").read_text("utf-8")
    assert not panel.end_chat_button.isEnabled()

    activate(qtbot, window)  # the desktop gives the window the keyboard back once the dialog has closed
    qtbot.keyClick(window, Qt.Key.Key_Escape)

    assert not panel.result_box.isVisible()
    assert panel.view.toPlainText() == "" and panel.view.placeholderText() == NO_SELECTION


def test_the_outcome_of_one_end_stays_after_the_list_refreshes_until_its_close_button_is_clicked(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, output_folder: Path, confirm: DialogAnswerer
) -> None:
    window = open_window(folder_config)
    in_progress_view(qtbot, window)
    panel = window.transcript_panel
    click_row(qtbot, window.chat_panel.table, 2)
    wait_until_idle(qtbot, window)
    assert panel.end_chat_button.text() == "End chat"

    with qtbot.waitSignal(panel.chat_ended, timeout=10_000):
        qtbot.mouseClick(panel.end_chat_button, Qt.MouseButton.LeftButton)
    wait_until_idle(qtbot, window)

    written = output_folder / "jane" / "1.txt"
    assert chat_ids(window) == [] and window.chat_panel.selected_chat() is None
    assert panel.result_box.isVisible()
    assert panel.result_box.message.text() == f"Chat 2 ended.\nTranscript saved to {written}"
    assert panel.view.toPlainText() == written.read_text("utf-8")
    assert panel.caption.text() == "Chat 2 · Jane · Ended · Test User 1"

    qtbot.mouseClick(panel.result_box.close_button, Qt.MouseButton.LeftButton)

    assert not panel.result_box.isVisible()
    assert panel.view.placeholderText() == NO_SELECTION and panel.caption.text() == ""


def test_choosing_another_chat_replaces_the_kept_outcome(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, confirm: DialogAnswerer
) -> None:
    window = open_window(folder_config)
    click_row(qtbot, window.chat_panel.table, 2)
    wait_until_idle(qtbot, window)
    with qtbot.waitSignal(window.transcript_panel.chat_ended, timeout=10_000):
        qtbot.mouseClick(window.transcript_panel.end_chat_button, Qt.MouseButton.LeftButton)
    wait_until_idle(qtbot, window)
    assert window.transcript_panel.result_box.isVisible()

    click_row(qtbot, window.chat_panel.table, 3)
    wait_until_idle(qtbot, window)

    assert not window.transcript_panel.result_box.isVisible()
    assert window.transcript_panel.caption.text() == "Chat 3 · Jerry · Ended · Test User 3"


def test_with_the_api_each_chat_shows_the_api_answer_and_a_slow_answer_does_not_hold_the_others_outcomes(
    qtbot: QtBot,
    open_window: OpenWindow,
    api_config: Callable[..., Path],
    httpserver: HTTPServer,
    api_gate: threading.Event,
    confirm: DialogAnswerer,
) -> None:
    def stored_late(_request: Request) -> Response:
        api_gate.wait(10)
        return Response('{"id": 8}', status=201, content_type="application/json")

    httpserver.expect_ordered_request("/transcripts", method="POST").respond_with_data(
        '{"id": 7}', status=201, content_type="application/json"
    )
    httpserver.expect_ordered_request("/transcripts", method="POST").respond_with_data(
        '{"error": "unknown customer"}', status=422, content_type="application/json"
    )
    httpserver.expect_ordered_request("/transcripts", method="POST").respond_with_handler(stored_late)
    window = open_window(api_config(timeout_seconds=15))
    database = window.context.database
    kim = add_recent_chat(database, "Kim", waited=400, running=300, user_id=2)
    lee = add_recent_chat(database, "Lee", waited=500, running=400, user_id=3)
    in_progress_view(qtbot, window)
    panel, table = window.transcript_panel, window.chat_panel.table
    click_row(qtbot, table, 2)
    qtbot.keyClick(table, Qt.Key.Key_Up, SHIFT)
    qtbot.keyClick(table, Qt.Key.Key_Up, SHIFT)  # Shift+arrows: from Jane's chat up to Kim's
    wait_until_idle(qtbot, window)
    assert panel.end_chat_button.text() == "End 3 chats"

    qtbot.mouseClick(panel.end_chat_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sum(": ending…" in line for line in panel.result_box.outcome_lines) == 1, timeout=5000)

    lines = panel.result_box.outcome_lines
    assert lines[0] == f'Chat {kim} · Kim: ended. Transcript delivered: HTTP 201. Response: {{"id": 7}}'
    assert lines[1] == (
        f"Chat {lee} · Lee: ended; its transcript was refused: The Savage Rentals API refused the transcript"
        " (HTTP 422): unknown customer (see Deliveries, then Retry)"
    )
    assert lines[2] == "Chat 2 · Jane: ending…"
    assert not panel.end_chat_button.isEnabled()  # one run at a time
    assert panel.result_box.message.text() == "Ending 3 chats… 2 done."

    with qtbot.waitSignal(panel.chats_ended, timeout=10_000):
        api_gate.set()
    wait_until_idle(qtbot, window)

    assert (
        panel.result_box.outcome_lines[2] == 'Chat 2 · Jane: ended. Transcript delivered: HTTP 201. Response: {"id": 8}'
    )
    assert panel.result_box.property("tone") == "warning"  # all ended, one transcript needs attention
    assert len(httpserver.log) == 3


def test_several_selected_chats_stay_selected_when_a_refresh_brings_a_new_chat(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    table = window.chat_panel.table
    click_row(qtbot, table, 2)
    click_row(qtbot, table, 1, CTRL)
    click_row(qtbot, table, 6, CTRL)
    wait_until_idle(qtbot, window)
    new = add_recent_chat(window.context.database, "Nia", waited=5)

    with qtbot.waitSignal(window.chat_panel.table.source_model.rowsInserted):  # the new chat, above the others
        qtbot.keyClick(window, Qt.Key.Key_F5)
    wait_until_idle(qtbot, window)

    assert chat_ids(window)[0] == new
    assert [chat.chat_id for chat in window.chat_panel.selected_chats()] == [2, 1, 6]
    assert window.transcript_panel.caption.text().startswith("Chat 6 · Joseph")  # the last clicked
