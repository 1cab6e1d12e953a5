"""Icons from resources/icons, with Qt's own as a fallback when a file is missing."""

from __future__ import annotations

from importlib.resources import files

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle


def icon(name: str, fallback: QStyle.StandardPixmap) -> QIcon:
    path = files("resources").joinpath("icons", f"{name}.svg")
    if path.is_file():
        return QIcon(str(path))
    return QApplication.style().standardIcon(fallback)
