"""Starting the window: the entry point, --screenshot, start-up errors, and a CLI that never loads Qt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from arthur_desktop import app
from arthur_desktop.about import about_text
from arthur_desktop.cli.main import main
from arthur_desktop.context import open_context
from arthur_desktop.main_window import MainWindow
from dialogs import ENTER, DialogAnswerer
from services.database import database_status
from services.storage.database import Database

REPOSITORY = Path(__file__).resolve().parents[2]


def test_the_screenshot_option_renders_the_loaded_window_at_1280_by_800(
    sqlite_url: str, folder_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[MainWindow] = []

    class RecordedWindow(MainWindow):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            opened.append(self)

    monkeypatch.setattr(app, "MainWindow", RecordedWindow)
    png = tmp_path / "arthur.png"

    code = main(["--database-url", sqlite_url, "--config", str(folder_config), "--screenshot", str(png)])

    assert code == 0
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1280, 800)
    assert [r.chats_handled for r in opened[0].performance_panel.model.rows] == [1, 0, 2]
    assert opened[0].chat_panel.model.rowCount() == 6


def test_python_m_arthur_desktop_takes_a_screenshot_offscreen(
    sqlite_url: str, folder_config: Path, tmp_path: Path
) -> None:
    png = tmp_path / "from-module.png"
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "ARTHUR_DATABASE_URL": sqlite_url,
        "ARTHUR_CONFIG": str(folder_config),
    }

    finished = subprocess.run(
        [sys.executable, "-m", "arthur_desktop", "--screenshot", str(png)],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode == 0, finished.stderr
    assert QImage(str(png)).size().toTuple() == (1280, 800)


def test_an_invalid_config_is_reported_on_stderr_for_a_screenshot(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "broken.toml"
    config.write_text("[window]\nrefresh_seconds = 5\n", "utf-8")

    code = main(["--database-url", sqlite_url, "--config", str(config), "--screenshot", str(tmp_path / "x.png")])

    assert code == 1
    assert capsys.readouterr().err == (
        f"arthur-desktop: error: {config}: key 'client' is missing; name the client, e.g. \"savage_rentals\".\n"
    )
    assert not (tmp_path / "x.png").exists()


def test_an_unreachable_database_is_shown_in_a_message_box(
    folder_config: Path, tmp_path: Path, dialogs: DialogAnswerer
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", "utf-8")
    dialogs.answer(ENTER)

    code = main(["--database-url", f"sqlite:///{blocked}/arthur.db", "--config", str(folder_config)])

    assert code == 1
    (shown,) = dialogs.seen
    assert (shown.icon, shown.title, shown.clicked) == (QMessageBox.Icon.Critical, "Arthur Desktop cannot start", "OK")
    assert str(blocked) in shown.text


@pytest.mark.postgres
def test_a_postgresql_database_that_is_behind_is_shown_in_one_dialog_and_left_as_it_was(
    bare_postgres_url: str, folder_config: Path, dialogs: DialogAnswerer
) -> None:
    dialogs.answer(ENTER)

    code = main(["--database-url", bare_postgres_url, "--config", str(folder_config)])

    assert code == 1
    (shown,) = dialogs.seen
    assert (shown.icon, shown.title) == (QMessageBox.Icon.Critical, "Arthur Desktop cannot start")
    assert "needs" in shown.text and "`arthur-desktop db upgrade`" in shown.text
    assert database_status(bare_postgres_url).state.layout is None  # still no table at all


@pytest.mark.postgres
def test_the_window_never_shows_the_database_password(
    qtbot: QtBot, postgres_database: Database, folder_config: Path, window_settings: QSettings
) -> None:
    """The throwaway server trusts every connection, so any password opens it: the window shows *** instead."""
    server = make_url(postgres_database.engine.url.render_as_string(hide_password=False))
    context = open_context(
        server.set(password="s3cret-Word").render_as_string(hide_password=False), str(folder_config), {}
    )
    window = MainWindow(context, window_settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.initial_load_done):
        window.start()
    shown = [window.windowTitle(), about_text(context), window.statusBar().currentMessage()]
    shown += [label.text() for label in window.findChildren(QLabel)]
    shown += [button.text() for button in window.findChildren(QAbstractButton)]
    shown += [line.text() for line in window.findChildren(QLineEdit)]
    window.refresh_timer.stop()
    window.live_changes.stop()
    window.runner.wait_for_done()
    context.close()

    assert not [text for text in shown if "s3cret" in text]
    assert [text for text in shown if ":***@" in text]


def test_cli_commands_do_not_import_qt(sqlite_url: str) -> None:
    script = (
        "import sys\n"
        "from arthur_desktop.cli.main import main\n"
        f"code = main(['--database-url', {sqlite_url!r}, 'performance'])\n"
        "assert 'PySide6' not in sys.modules, 'the CLI imported PySide6'\n"
        "sys.exit(code)\n"
    )

    finished = subprocess.run(
        [sys.executable, "-c", script], cwd=REPOSITORY, capture_output=True, text=True, timeout=60, check=False
    )

    assert finished.returncode == 0, finished.stderr
    assert "Test User 3" in finished.stdout
