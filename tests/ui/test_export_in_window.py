"""File → Export performance… / Export chats…: a save dialog (a stand-in here), then a CSV written off the GUI thread.

The save dialog is the one place these tests replace a dialog: on a person's desktop it is the platform's native
file dialog, which Qt does not draw and a test cannot drive offscreen (offscreen would show Qt's own dialog, which
people never see). Every other dialog in the UI tests is the real one, answered by a key press (dialogs.py).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from arthur_desktop.main_window import MainWindow
from window_helpers import OpenWindow, chat_ids, click_row, wait_until_idle

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


class SaveDialog:
    """Stands in for QFileDialog.getSaveFileName (a native dialog; see above): answers with a chosen path and
    records what it was asked."""

    def __init__(self) -> None:
        self.answer = ""
        self.asked: list[tuple[str, str]] = []

    def __call__(self, _parent: object, title: str, suggested: str, _filter: str) -> tuple[str, str]:
        self.asked.append((title, suggested))
        return self.answer, "CSV files (*.csv)"


@pytest.fixture
def save_dialog(monkeypatch: pytest.MonkeyPatch) -> SaveDialog:
    dialog = SaveDialog()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    return dialog


def open_file_menu_and_press(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is menu)
    qtbot.keyClick(menu, key)


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def table_headers(window: MainWindow, which: str) -> list[str]:
    """The columns the table shows (the chat list shows Waited in its Waiting view only)."""
    table = window.performance_panel.table if which == "performance" else window.chat_panel.table
    model = table.source_model
    shown = [column for column in range(model.columnCount()) if not table.isColumnHidden(column)]
    return [model.headerData(column, Qt.Orientation.Horizontal) for column in shown]


def test_ctrl_e_exports_the_performance_table_with_its_columns_and_numbers_as_numbers(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, save_dialog: SaveDialog, tmp_path: Path
) -> None:
    window = open_window(folder_config)
    save_dialog.answer = str(tmp_path / "performance.csv")

    with qtbot.waitSignal(window.exporter.exported) as done:
        qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)

    rows = read_rows(tmp_path / "performance.csv")
    assert [header.removesuffix(" (s)") for header in rows[0]] == table_headers(window, "performance")
    assert rows == [
        [
            "Agent",
            "Handled",
            "In progress",
            "Average (s)",
            "Median (s)",
            "Wait avg (s)",
            "Wait med (s)",
            "1st reply avg (s)",
            "1st reply med (s)",
        ],
        ["Test User 1", "1", "1", "300", "300", "210", "210", "90", "90"],
        ["Test User 2", "0", "0", "", "", "", "", "", ""],
        ["Test User 3", "2", "0", "390", "390", "180", "180", "120", "120"],
    ]
    assert done.args == [f"Exported 3 agents to {tmp_path / 'performance.csv'}."]
    assert save_dialog.asked[0][0] == "Export agent performance"
    assert save_dialog.asked[0][1].endswith(".csv")


def test_export_chats_writes_every_chat_of_the_filtered_list(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, save_dialog: SaveDialog, tmp_path: Path
) -> None:
    window = open_window(folder_config)
    click_row(qtbot, window.performance_panel.table, 3)
    qtbot.keyClick(window.performance_panel.table, Qt.Key.Key_Return)  # drill down: Test User 3's chats
    qtbot.waitUntil(lambda: chat_ids(window) == [3, 4])
    save_dialog.answer = str(tmp_path / "agent-3")  # no suffix: .csv is added

    with qtbot.waitSignal(window.exporter.exported):
        qtbot.keyClick(window, Qt.Key.Key_E, CTRL_SHIFT)

    rows = read_rows(tmp_path / "agent-3.csv")
    assert [header.removesuffix(" (s)") for header in rows[0]] == table_headers(window, "chats")
    assert rows[1:] == [
        ["3", "Jerry", "Test User 3", "Ended", "2020-09-29T09:00:20.540957+00:00", "180"],
        ["4", "Jacintha", "Test User 3", "Ended", "2020-09-29T08:40:20.540957+00:00", "600"],
    ]


def test_cancelling_the_dialog_exports_nothing(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, save_dialog: SaveDialog, tmp_path: Path
) -> None:
    window = open_window(folder_config)

    open_file_menu_and_press(qtbot, window, Qt.Key.Key_C)  # File → Export chats…
    wait_until_idle(qtbot, window)

    assert len(save_dialog.asked) == 1
    assert not window.exporter.busy
    assert [p for p in tmp_path.iterdir() if p.suffix == ".csv"] == []


def test_an_export_to_an_unwritable_place_says_why_in_the_window(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, save_dialog: SaveDialog, tmp_path: Path
) -> None:
    window = open_window(folder_config)
    save_dialog.answer = str(tmp_path / "no-such-folder" / "chats.csv")

    with qtbot.waitSignal(window.exporter.failed):
        qtbot.keyClick(window, Qt.Key.Key_E, CTRL_SHIFT)

    assert window.message_bar.isVisible()
    assert window.message_bar.messages() == [
        f"The export failed: Cannot write {tmp_path / 'no-such-folder' / 'chats.csv'}: No such file or directory."
    ]
    assert window.window_actions.export_chats.isEnabled()


def test_a_performance_export_onto_a_folder_says_why_in_the_window_and_leaves_the_folder(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, save_dialog: SaveDialog, tmp_path: Path
) -> None:
    window = open_window(folder_config)
    folder = tmp_path / "performance.csv"
    (folder / "inside").mkdir(parents=True)
    save_dialog.answer = str(folder)

    with qtbot.waitSignal(window.exporter.failed):
        qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)

    assert window.message_bar.messages() == [f"The export failed: Cannot write {folder}: Is a directory."]
    assert [p.name for p in folder.iterdir()] == ["inside"]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    assert window.window_actions.export_performance.isEnabled()


def test_the_export_actions_are_disabled_while_an_export_runs(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, save_dialog: SaveDialog, tmp_path: Path
) -> None:
    window = open_window(folder_config)
    save_dialog.answer = str(tmp_path / "chats.csv")

    with qtbot.waitSignal(window.exporter.exported):
        qtbot.keyClick(window, Qt.Key.Key_E, CTRL_SHIFT)
        assert not window.window_actions.export_chats.isEnabled()
        assert not window.window_actions.export_performance.isEnabled()

    assert window.window_actions.export_chats.isEnabled()
