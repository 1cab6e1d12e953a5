"""Which Arthur Desktop this is, and on which Python, PySide6 and Qt: for --version and Help → About."""

from __future__ import annotations

import platform

from arthur_desktop import __version__


def program_version() -> str:
    return f"arthur-desktop {__version__}"


def runtime_versions() -> str:
    """Imports PySide6 (its Qt core library), so only --version and the window ask for it."""
    import PySide6
    from PySide6.QtCore import qVersion

    return f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, Qt {qVersion()}"
