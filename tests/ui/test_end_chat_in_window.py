"""Selecting a chat, its transcript, and ending it from the window with the folder client."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from arthur_desktop.main_window import MainWindow
from arthur_desktop.widgets.transcript_panel import NO_SELECTION, WAITING
from dialogs import ENTER, ESCAPE, DialogAnswerer, alt, letter
from services.end_chat import end_chat
from services.results import ChatStatus
from window_helpers import OpenWindow, select_chat, wait_until_idle

JANE_SO_FAR = (
    "Chat on 29 Sep 2020 09:02:\n\n"
    "[09:02, Customer]: Your website is giving me an error.\n"
    "[09:04, Agent]: Sorry to hear that, what is the error?"
)


def select(qtbot: QtBot, window: MainWindow, chat_id: int) -> None:
    select_chat(qtbot, window, chat_id)


def click_end_chat(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.mouseClick(window.transcript_panel.end_chat_button, Qt.MouseButton.LeftButton)


def end_chat_and_wait(qtbot: QtBot, window: MainWindow, timeout: int = 10_000) -> None:
    with qtbot.waitSignal(window.transcript_panel.chat_ended, timeout=timeout):
        click_end_chat(qtbot, window)
    wait_until_idle(qtbot, window, timeout)


def test_selecting_chat_2_enables_end_chat_and_shows_its_transcript(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    panel = window.transcript_panel
    assert not panel.end_chat_button.isEnabled()
    assert panel.view.placeholderText() == NO_SELECTION

    select(qtbot, window, 2)

    assert panel.end_chat_button.isEnabled()
    assert panel.view.objectName() == "transcriptView"
    assert panel.view.toPlainText() == JANE_SO_FAR
    assert panel.caption.text() == "Chat 2 · Jane · In progress · Test User 1"


@pytest.mark.parametrize("chat_id", [1, 5], ids=["ended", "waiting"])
def test_an_ended_or_a_waiting_chat_leaves_end_chat_disabled(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, chat_id: int
) -> None:
    window = open_window(folder_config)
    select(qtbot, window, 2)

    select(qtbot, window, chat_id)

    assert not window.transcript_panel.end_chat_button.isEnabled()


def test_an_ended_chat_shows_the_transcript_the_folder_client_wrote(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)

    select(qtbot, window, 1)

    assert window.transcript_panel.view.toPlainText().endswith("\nThis chat took 300 seconds to handle.")


def test_a_waiting_chat_shows_a_friendly_placeholder(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)

    select(qtbot, window, 5)

    assert window.transcript_panel.view.toPlainText() == ""
    assert window.transcript_panel.view.placeholderText() == WAITING == "Waiting for an agent — no transcript yet."


def test_ending_chat_2_writes_jane_1_txt_shows_its_path_and_updates_the_tables(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, output_folder: Path, confirm: DialogAnswerer
) -> None:
    window = open_window(folder_config)
    select(qtbot, window, 2)

    end_chat_and_wait(qtbot, window)

    written = output_folder / "jane" / "1.txt"
    assert confirm.texts == [
        f"End chat 2 with Jane?\n\nThe transcript will be sent to Absolutely Class Airlines folder · {output_folder}."
    ]
    assert (confirm.seen[0].title, confirm.seen[0].clicked) == ("End chat", "Yes")
    assert written.read_text("utf-8").startswith(JANE_SO_FAR + "\nThis chat took ")
    result = window.transcript_panel.result_box
    assert result.isVisible()
    assert result.message.text().startswith(f"Chat 2 ended.\nTranscript saved to {written}")
    assert result.open_folder_button.isVisible() and not result.retry_button.isVisible()
    rows = window.performance_panel.model.rows
    assert (rows[0].name, rows[0].chats_handled, rows[0].chats_in_progress) == ("Test User 1", 2, 0)
    chat = window.chat_panel.selected_chat()
    assert chat is not None and (chat.chat_id, chat.status) == (2, ChatStatus.ENDED)
    assert not window.transcript_panel.end_chat_button.isEnabled()
    assert window.transcript_panel.view.toPlainText() == written.read_text("utf-8")


def test_open_folder_opens_the_customer_folder(
    qtbot: QtBot,
    open_window: OpenWindow,
    folder_config: Path,
    output_folder: Path,
    confirm: DialogAnswerer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    window = open_window(folder_config)
    select(qtbot, window, 2)
    end_chat_and_wait(qtbot, window)

    qtbot.mouseClick(window.transcript_panel.result_box.open_folder_button, Qt.MouseButton.LeftButton)

    assert opened == [QUrl.fromLocalFile(str(output_folder / "jane"))]


@pytest.mark.parametrize("key", [ENTER, ESCAPE], ids=["enter", "escape"])
def test_enter_or_escape_on_the_confirmation_cancels_and_changes_nothing(
    qtbot: QtBot,
    open_window: OpenWindow,
    folder_config: Path,
    output_folder: Path,
    dialogs: DialogAnswerer,
    key: tuple[Qt.Key, Qt.KeyboardModifier],
) -> None:
    window = open_window(folder_config)
    select(qtbot, window, 2)
    dialogs.answer(key)

    click_end_chat(qtbot, window)
    wait_until_idle(qtbot, window)

    (asked,) = dialogs.seen
    assert asked.clicked == "Cancel"
    assert not (output_folder / "jane").exists()
    chat = window.chat_panel.selected_chat()
    assert chat is not None and chat.status is ChatStatus.IN_PROGRESS
    assert window.transcript_panel.end_chat_button.isEnabled()
    assert not window.transcript_panel.result_box.isVisible()
    assert (asked.icon, sorted(asked.buttons), asked.default_button) == (
        QMessageBox.Icon.Question,
        ["Cancel", "Yes"],
        "Cancel",
    )


@pytest.mark.parametrize("key", [letter(Qt.Key.Key_Y), alt(Qt.Key.Key_Y)], ids=["y", "alt+y"])
def test_yes_on_the_confirmation_ends_the_chat(
    qtbot: QtBot,
    open_window: OpenWindow,
    folder_config: Path,
    output_folder: Path,
    dialogs: DialogAnswerer,
    key: tuple[Qt.Key, Qt.KeyboardModifier],
) -> None:
    window = open_window(folder_config)
    select(qtbot, window, 2)
    dialogs.answer(key)

    end_chat_and_wait(qtbot, window)

    assert [dialog.clicked for dialog in dialogs] == ["Yes"]
    assert (output_folder / "jane" / "1.txt").exists()


def test_a_chat_ended_elsewhere_is_refused_with_the_reason_and_the_list_catches_up(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, confirm: DialogAnswerer
) -> None:
    window = open_window(folder_config)
    select(qtbot, window, 2)
    end_chat(2, window.context.database.unit_of_work(), window.context.integration)  # another desktop

    with qtbot.waitSignal(window.transcript_panel.end_refused):
        click_end_chat(qtbot, window)
    wait_until_idle(qtbot, window)

    result = window.transcript_panel.result_box
    assert result.message.text() == "Chat 2 has already ended."
    assert result.property("tone") == "error"
    chat = window.chat_panel.selected_chat()
    assert chat is not None and chat.status is ChatStatus.ENDED
    assert not window.transcript_panel.end_chat_button.isEnabled()


def test_while_ending_the_button_is_disabled_and_a_busy_indicator_shows(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, confirm: DialogAnswerer
) -> None:
    window = open_window(folder_config)
    select(qtbot, window, 2)
    panel = window.transcript_panel

    with qtbot.waitSignal(panel.chat_ended):
        click_end_chat(qtbot, window)
        assert not panel.end_chat_button.isEnabled()
        assert panel.busy_indicator.isVisible()

    assert not panel.busy_indicator.isVisible()
