"""A bug in a slot, in the window as `arthur-desktop` starts it, is shown in a dialog rather than only logged."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from arthur_desktop.app import APPLICATION, run_window
from arthur_desktop.main_window import MainWindow
from arthur_desktop.widgets.chat_panel import ChatPanel
from dialogs import ENTER, DialogAnswerer
from services.locations import log_file_path
from window_helpers import row_centre

STARTUP_SECONDS = 10


@pytest.fixture
def app_state_restored(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """run_window installs its exception hook and style sheet on the shared application: put them back after."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    sheet = qapp.styleSheet()
    yield
    qapp.setStyleSheet(sheet)


def shown_window() -> MainWindow | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)


@pytest.mark.qt_no_exception_capture  # the exception must reach the hook run_window installs, not pytest-qt's
@pytest.mark.usefixtures("app_state_restored")
def test_an_exception_in_a_slot_shows_a_critical_dialog_and_the_window_goes_on(
    qtbot: QtBot,
    sqlite_url: str,
    folder_config: Path,
    dialogs: DialogAnswerer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_show_agent(_panel: ChatPanel, _user_id: int, _name: str) -> None:
        raise RuntimeError("the drill-down is broken")

    monkeypatch.setattr(ChatPanel, "show_agent", broken_show_agent)  # a bug in the slot a double-click runs
    failures: list[BaseException] = []
    after_the_dialog: list[int] = []

    def use_the_window() -> None:
        """Runs inside run_window's event loop; whatever happens, it closes the window so run_window returns."""
        window = shown_window()
        if window is None:
            if time.monotonic() - started > STARTUP_SECONDS:
                failures.append(TimeoutError("run_window showed no window"))
                QApplication.exit(1)
            else:
                QTimer.singleShot(10, use_the_window)
            return
        try:
            qtbot.waitUntil(lambda: window.performance_panel.model.rowCount() == 3)
            table = window.performance_panel.table
            where = row_centre(table, 3)
            dialogs.answer(ENTER)
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
            qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)  # the dialog opens and closes
            qtbot.keyClick(window, Qt.Key.Key_F5)  # the window still works after the bug
            qtbot.waitUntil(lambda: window.runner.active_count == 0)
            after_the_dialog.append(window.chat_panel.model.rowCount())
        except BaseException as exc:  # reported by the test below, not by the hook under test
            failures.append(exc)
        finally:
            window.close()  # the last window: the application's loop ends (one Quit, none left for later tests)

    started = time.monotonic()
    QTimer.singleShot(0, use_the_window)
    code = run_window(argparse.Namespace(database_url=sqlite_url, config=str(folder_config)))

    assert failures == []
    assert code == 0
    (shown,) = dialogs.seen
    assert (shown.icon, shown.title) == (QMessageBox.Icon.Critical, APPLICATION)
    assert shown.text == (
        f"Unexpected error (RuntimeError): the drill-down is broken. Details are in the log, {log_file_path()}."
    )
    assert shown.clicked == "OK"
    assert after_the_dialog == [6]
