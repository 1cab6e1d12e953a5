"""Help → Open log folder shows the log's folder in the system's file manager; errors name the log file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from arthur_desktop.messages import error_message
from services.locations import log_file_path
from window_helpers import OpenWindow


class FileManager(QObject):
    """Stands in for the desktop's file manager: Qt hands it the file URLs the application opens."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open_url(self, url: QUrl) -> None:
        self.opened.append(url)


@pytest.fixture
def file_manager() -> Iterator[FileManager]:
    manager = FileManager()
    # PySide6 6.11 takes the slot's name as str (bytes raise ValueError), though its stubs say bytes.
    QDesktopServices.setUrlHandler("file", manager, "open_url")  # type: ignore[arg-type]
    yield manager
    QDesktopServices.unsetUrlHandler("file")


def test_help_open_log_folder_opens_the_folder_of_the_log_file(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, file_manager: FileManager
) -> None:
    window = open_window(folder_config)

    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_L)
    qtbot.waitUntil(lambda: bool(file_manager.opened))

    assert [Path(url.toLocalFile()) for url in file_manager.opened] == [log_file_path().parent]
    assert log_file_path().parent.is_dir()


def test_an_unexpected_error_says_where_the_log_is() -> None:
    assert str(log_file_path()) in error_message(RuntimeError("a bug"))
