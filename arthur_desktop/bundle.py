"""What differs when Arthur Desktop runs from its PyInstaller bundle (scripts/package.sh) rather than a venv."""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from pathlib import Path

# Set by PyInstaller's bootloader (LD_LIBRARY_PATH, keeping the user's value in LD_LIBRARY_PATH_ORIG) and by its
# PySide6 hook (QT_PLUGIN_PATH, QML2_IMPORT_PATH), all pointing into the bundle.
_LIBRARY_PATH, _ORIGINAL_LIBRARY_PATH = "LD_LIBRARY_PATH", "LD_LIBRARY_PATH_ORIG"
_QT_PATHS = ("QT_PLUGIN_PATH", "QML2_IMPORT_PATH")


def is_bundle() -> bool:
    return bool(getattr(sys, "frozen", False))


def bundle_folder() -> str:
    """The folder holding the bundle's libraries (PyInstaller's _internal)."""
    return str(getattr(sys, "_MEIPASS", Path(sys.executable).parent))


def give_children_the_users_environment(environ: MutableMapping[str, str], folder: str) -> None:
    """Take the bundle's library and Qt plug-in paths out of the environment that programs started from Arthur
    Desktop inherit (the file manager behind Open folder, a browser): they would load this bundle's Qt and libraries
    instead of their own and crash. This process needs them no more: the dynamic loader read LD_LIBRARY_PATH when
    it started, and PySide6 finds its plug-ins through its own qt.conf."""
    original = environ.pop(_ORIGINAL_LIBRARY_PATH, None)
    if original is not None:
        environ[_LIBRARY_PATH] = original
    elif _points_into(environ.get(_LIBRARY_PATH), folder):
        del environ[_LIBRARY_PATH]
    for name in _QT_PATHS:
        if _points_into(environ.get(name), folder):
            del environ[name]


def _points_into(value: str | None, folder: str) -> bool:
    return value is not None and all(Path(part).is_relative_to(folder) for part in value.split(os.pathsep))
