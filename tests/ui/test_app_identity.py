"""The app's identity: its own icon on every window and the taskbar, the desktop entry it names, and Help → About."""

from __future__ import annotations

import configparser
from html import escape
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication, QIcon, QImage
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from arthur_desktop import __version__
from arthur_desktop.about import database_location
from arthur_desktop.app import application
from window_helpers import OpenWindow

REPOSITORY = Path(__file__).resolve().parents[2]
APP_SVG = REPOSITORY / "resources" / "icons" / "arthur-desktop.svg"


def rendered(icon: QIcon, size: int = 48) -> QImage:
    return icon.pixmap(size, size).toImage().convertToFormat(QImage.Format.Format_ARGB32)


def test_every_window_shows_the_arthur_desktop_icon(qtbot: QtBot) -> None:
    app = application()
    widget = QWidget()
    qtbot.addWidget(widget)

    assert not app.windowIcon().isNull()
    assert rendered(app.windowIcon()) == rendered(QIcon(str(APP_SVG)))
    assert rendered(widget.windowIcon()) == rendered(QIcon(str(APP_SVG)))
    tile = rendered(app.windowIcon()).pixelColor(24, 4)  # not Qt's fallback icon: the tile is the app's blue
    assert (tile.red() < 90, tile.green() in range(100, 160), tile.blue() > 200) == (True, True, True)


def test_the_desktop_file_name_is_the_menu_entry_with_the_icon_and_window_class() -> None:
    application()
    name = QGuiApplication.desktopFileName()
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(REPOSITORY / "packaging" / "linux" / f"{name}.desktop", encoding="utf-8")

    section = entry["Desktop Entry"]
    assert section["Icon"] == name
    assert section["Exec"] == "arthur-desktop"
    # Qt names a window's WM_CLASS instance after the program: the menu then finds the window's entry.
    assert section["StartupWMClass"] == "arthur-desktop"
    assert (REPOSITORY / "packaging" / "linux" / f"{name}.metainfo.xml").is_file()


def test_about_shows_the_version_and_where_the_database_config_and_log_are(
    open_window: OpenWindow, folder_config: Path, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, title, text: shown.append((title, text)))
    window = open_window(folder_config)

    window.window_actions.about.trigger()

    [(title, text)] = shown
    assert title == "About Arthur Desktop"
    assert f"arthur-desktop {__version__}" in text
    log = tmp_path / "state" / "arthur-desktop" / "log" / "arthur-desktop.log"
    for name, place in (
        ("Database", sqlite_url.removeprefix("sqlite:///")),
        ("Config", str(folder_config)),
        ("Log", str(log)),
    ):
        assert f"<b>{name}</b>&nbsp;</td><td>{escape(place)}</td>" in text
    assert f"PySide6 {PySide6.__version__}, Qt {qVersion()}" in text
    assert not (tmp_path / "state").exists()  # naming the log's place does not make it


@pytest.mark.parametrize(
    ("display_url", "shown"),
    [
        (
            "sqlite:////home/ann/.local/share/arthur-desktop/arthur.db",
            "/home/ann/.local/share/arthur-desktop/arthur.db",
        ),
        ("sqlite://", "in memory (a demo, gone when the window closes)"),
        ("postgresql+psycopg://ann:***@db:5432/arthur", "postgresql+psycopg://ann:***@db:5432/arthur"),
    ],
)
def test_about_names_a_sqlite_file_by_its_path_and_a_server_by_its_url(display_url: str, shown: str) -> None:
    assert database_location(display_url) == shown
