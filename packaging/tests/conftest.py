"""The built artefact, not the sources: the .deb installed by scripts/test-package.sh, run as a desktop runs it.

The program runs in a sandbox with no Python at all: a private mount namespace hides every python executable,
Python's libraries, pyenv, this repository and its venv, and `env -i` leaves PATH=/usr/bin:/bin and HOME. Needs
root (dpkg, mount namespaces).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import arthur_desktop


@pytest.fixture(scope="session", autouse=True)
def installed() -> None:
    if os.geteuid() != 0:
        pytest.fail("the package tests need root (dpkg, mount namespaces): run scripts/test-package.sh as root")
    status = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Status} ${Version}", "arthur-desktop"], capture_output=True, text=True
    )
    assert status.stdout == f"install ok installed {arthur_desktop.__version__}", "run scripts/test-package.sh"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def x_display() -> Iterator[str]:
    """A real X server (Xvfb), so the window goes through the bundle's xcb platform plug-in."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        display = f":{announced.readline().strip()}"
    yield display
    server.terminate()
    server.wait(timeout=10)
