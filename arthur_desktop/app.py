"""Start-up of the window: open the database and the client config, then show the window or a screenshot."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from importlib.resources import files
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from arthur_desktop import __version__
from arthur_desktop.context import open_context
from arthur_desktop.icons import app_icon
from arthur_desktop.long_lived import set_aside_start_up_objects
from arthur_desktop.main_window import DEFAULT_SIZE, MainWindow
from arthur_desktop.messages import error_message
from services.errors import ArthurError

log = logging.getLogger(__name__)

ORGANIZATION = "EdgeTier"
APPLICATION = "Arthur Desktop"
# The desktop entry's name (packaging/linux/): Wayland's app id and X11's hint, so the taskbar shows the menu's icon.
DESKTOP_FILE_NAME = "com.edgetier.ArthurDesktop"
SCREENSHOT_TIMEOUT_MS = 30_000


def run_window(args: argparse.Namespace) -> int:
    app = application()
    screenshot: str | None = getattr(args, "screenshot", None)
    try:
        context = open_context(getattr(args, "database_url", None), getattr(args, "config", None), os.environ)
    except ArthurError as exc:
        report_startup_error(str(exc), to_console=screenshot is not None)
        return 1
    try:
        window = MainWindow(context, QSettings())
        if screenshot is not None:
            return take_screenshot(window, Path(screenshot))
        show_unexpected_errors_in_a_dialog()
        set_aside_start_up_objects()
        window.restore_layout()
        window.show()
        window.start()
        return app.exec()
    finally:
        context.close()


def application() -> QApplication:
    """The running QApplication, or a new one named so that QSettings knows where to keep settings."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setOrganizationDomain("edgetier.com")
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName(DESKTOP_FILE_NAME)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setWindowIcon(app_icon())
    app.setStyleSheet(style_sheet())
    return app


def style_sheet() -> str:
    try:
        return files("resources").joinpath("style.qss").read_text("utf-8")
    except OSError:
        log.warning("The style sheet is missing; using Qt's default look")
        return ""


def report_startup_error(message: str, *, to_console: bool) -> None:
    if to_console:
        print(f"arthur-desktop: error: {message}", file=sys.stderr)
    else:
        QMessageBox.critical(None, "Arthur Desktop cannot start", message)


def show_unexpected_errors_in_a_dialog() -> None:
    """A bug in a slot is logged with its traceback and shown to the person, not only printed."""
    previous = sys.excepthook

    def show(kind: type[BaseException], error: BaseException, traceback: TracebackType | None) -> None:
        previous(kind, error, traceback)
        QMessageBox.critical(None, APPLICATION, error_message(error))

    sys.excepthook = show


def take_screenshot(window: MainWindow, path: Path) -> int:
    """Show the window at 1280 x 800, wait until its tables have loaded, save it as PNG."""
    window.save_layout_on_close = False  # a screenshot must not change the user's window layout
    window.resize(*DEFAULT_SIZE)
    window.show()
    loop = QEventLoop()
    window.initial_load_done.connect(loop.quit)
    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, loop.quit)
    window.start()
    loop.exec()
    window.refresh_timer.stop()
    window.runner.wait_for_done()
    QCoreApplication.processEvents()
    saved = window.grab().save(str(path), "PNG")
    window.close()
    if not saved:
        print(f"arthur-desktop: error: cannot write the screenshot to {path}", file=sys.stderr)
        return 1
    return 0
