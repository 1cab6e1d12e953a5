"""scripts/setup.sh installs the app only when something changed: a second scripts/run.sh starts the program at
once, and neither it nor the test command undoes the other's install. Run on a copy of the scripts whose venv
Python records what it is asked to do instead of doing it."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
RECORDING_PYTHON = '#!/bin/sh\necho "$*" >> "$(dirname "$0")/../../pip-calls"\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """scripts/ and pyproject.toml, with a venv whose python only records its arguments."""
    shutil.copytree(REPOSITORY / "scripts", tmp_path / "scripts")
    shutil.copyfile(REPOSITORY / "pyproject.toml", tmp_path / "pyproject.toml")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(RECORDING_PYTHON, "utf-8")
    python.chmod(0o755)
    return tmp_path


def set_up(project: Path, purpose: str) -> list[str]:
    """Runs scripts/setup.sh PURPOSE; returns the pip commands it ran."""
    calls = project / "pip-calls"
    calls.unlink(missing_ok=True)
    subprocess.run(["bash", str(project / "scripts" / "setup.sh"), purpose], check=True, capture_output=True)
    return calls.read_text("utf-8").splitlines() if calls.exists() else []


def test_the_first_set_up_installs_editable_and_the_second_installs_nothing(project: Path) -> None:
    assert set_up(project, "app") == ["-m pip install --quiet --editable ."]

    started = time.monotonic()
    assert set_up(project, "app") == []
    assert time.monotonic() - started < 2


def test_the_run_command_keeps_the_test_commands_install(project: Path) -> None:
    assert set_up(project, "test") == ["-m pip install --quiet --editable .[test]"]

    assert set_up(project, "app") == []
    assert set_up(project, "test") == []


def test_the_test_command_adds_its_tools_to_an_app_install(project: Path) -> None:
    set_up(project, "app")

    assert set_up(project, "test") == ["-m pip install --quiet --editable .[test]"]


def test_a_changed_pyproject_installs_again(project: Path) -> None:
    set_up(project, "test")
    with (project / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write("\n# a new dependency\n")

    assert set_up(project, "app") == ["-m pip install --quiet --editable ."]
