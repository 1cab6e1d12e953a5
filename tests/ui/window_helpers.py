"""Helpers shared by the UI tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from arthur_desktop.main_window import MainWindow
from arthur_desktop.models.record_model import RecordTableModel

OpenWindow = Callable[[Path], MainWindow]


def write_config(folder: Path, text: str, *, refresh_seconds: int = 0) -> Path:
    path = folder / "config.toml"
    path.write_text(f"{text}[window]\nrefresh_seconds = {refresh_seconds}\n", "utf-8")
    return path


def wait_until_idle(qtbot: QtBot, window: MainWindow, timeout: int = 5000) -> None:
    """Every worker has finished and its outcome has reached the widgets."""
    qtbot.waitUntil(lambda: window.runner.active_count == 0, timeout=timeout)


def displayed(model: RecordTableModel[Any]) -> list[list[str]]:
    return [
        [str(model.index(row, column).data()) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def chat_ids(window: MainWindow) -> list[int]:
    """The chat list in the order the view shows it."""
    proxy = window.chat_panel.table.proxy
    return [int(proxy.index(row, 0).data()) for row in range(proxy.rowCount())]
