"""Icons from resources/icons, with Qt's own as a fallback when a file is missing, and the app's own icon."""

from __future__ import annotations

from importlib.resources import files

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

APP_ICON = "arthur-desktop"


def icon(name: str, fallback: QStyle.StandardPixmap) -> QIcon:
    # One name per joinpath: the bundle's resource reader (Python 3.11's MultiplexedPath) takes no more.
    path = files("resources").joinpath("icons").joinpath(f"{name}.svg")
    if path.is_file():
        return QIcon(str(path))
    return QApplication.style().standardIcon(fallback)


def app_icon() -> QIcon:
    """Arthur Desktop's own icon, for every window and the taskbar."""
    return icon(APP_ICON, QStyle.StandardPixmap.SP_ComputerIcon)
