"""`arthur-desktop --version`: the program's version and the Python, PySide6 and Qt it runs on, for support."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import qVersion

import arthur_desktop
from arthur_desktop.cli.main import main


def test_version_names_the_program_and_its_runtime_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])

    assert exit_.value.code == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"arthur-desktop {arthur_desktop.__version__}",
        f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, Qt {qVersion()}",
    ]
    assert err == ""


def test_the_installed_distribution_has_the_programs_version() -> None:
    assert importlib.metadata.version("arthur-desktop") == arthur_desktop.__version__


def test_version_makes_no_file_or_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    environment = {"PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8"}

    finished = subprocess.run(
        [sys.executable, "-m", "arthur_desktop", "--version"], env=environment, capture_output=True, text=True
    )

    assert finished.returncode == 0, finished.stderr
    assert list(home.iterdir()) == []
