"""The window on a real seed database (SQLite in tmp_path), a real folder and a real local HTTP server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot

from arthur_desktop.app import style_sheet
from arthur_desktop.context import WindowContext, open_context
from arthur_desktop.main_window import MainWindow
from dialogs import DialogAnswerer, alt
from window_helpers import OpenWindow, wait_until_idle, write_config


@pytest.fixture(autouse=True)
def settings_in_tmp(tmp_path: Path) -> None:
    """QSettings() anywhere in the code writes under tmp_path, never to the real user's settings."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture
def app_style(qapp: QApplication) -> Iterator[None]:
    """The application's style sheet, as arthur_desktop.app.application() sets it, for the length of a test."""
    saved = qapp.styleSheet()
    qapp.setStyleSheet(style_sheet())
    yield
    qapp.setStyleSheet(saved)


@pytest.fixture
def output_folder(tmp_path: Path) -> Path:
    return tmp_path / "out"


@pytest.fixture
def folder_config(tmp_path: Path, output_folder: Path) -> Path:
    return write_config(
        tmp_path,
        f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{output_folder}"\n',
    )


@pytest.fixture
def api_config(tmp_path: Path, httpserver: HTTPServer) -> Callable[..., Path]:
    def make(*, timeout_seconds: float = 2) -> Path:
        url = httpserver.url_for("/transcripts")
        return write_config(
            tmp_path,
            f'client = "savage_rentals"\n[savage_rentals]\napi_url = "{url}"\n'
            f"timeout_seconds = {timeout_seconds}\nretries = 0\n",
        )

    return make


@pytest.fixture
def api_gate() -> Iterator[threading.Event]:
    """Holds a slow HTTP handler; set at teardown so the single-threaded test server is free again."""
    gate = threading.Event()
    yield gate
    gate.set()


@pytest.fixture
def window_settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def open_window(qtbot: QtBot, sqlite_url: str, window_settings: QSettings) -> Iterator[OpenWindow]:
    """Opens the window on the seed database and waits until its tables are loaded."""
    opened: list[tuple[MainWindow, WindowContext]] = []

    def open_(config: Path) -> MainWindow:
        context = open_context(sqlite_url, str(config), {})
        window = MainWindow(context, window_settings)
        qtbot.addWidget(window)
        opened.append((window, context))
        window.show()
        with qtbot.waitSignal(window.initial_load_done):
            window.start()
        wait_until_idle(qtbot, window)
        return window

    yield open_
    for window, context in opened:
        window.refresh_timer.stop()
        window.live_changes.stop()
        window.runner.wait_for_done()
        context.close()


@pytest.fixture
def dialogs() -> Iterator[DialogAnswerer]:
    """Answers the real message boxes the window shows, one scripted key press each (see dialogs.py)."""
    answerer = DialogAnswerer()
    yield answerer
    answerer.stop()
    assert answerer.problems == []


@pytest.fixture
def confirm(dialogs: DialogAnswerer) -> DialogAnswerer:
    """Answers Yes (Alt+Y, the button's mnemonic) to the next confirmation the window asks."""
    return dialogs.answer(alt(Qt.Key.Key_Y))
