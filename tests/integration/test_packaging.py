"""The built wheel carries its resources, and the installed program finds them from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, unpacked as pip would install it, outside the source tree."""
    wheels = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(wheels), str(PROJECT)],
        check=True,
        capture_output=True,
    )
    [wheel] = wheels.glob("arthur_desktop-*.whl")
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_the_wheel_holds_the_seed_data_default_config_style_and_icons(installed_copy: Path) -> None:
    resources = installed_copy / "resources"

    assert {"seed.json", "default_config.toml", "style.qss"} <= {p.name for p in resources.iterdir()}
    assert list((resources / "icons").glob("*.svg"))


def test_the_installed_program_runs_from_another_folder(installed_copy: Path, tmp_path: Path) -> None:
    probe = (
        "import services, sys\n"
        f"assert services.__file__.startswith({str(installed_copy)!r}), services.__file__\n"
        "from arthur_desktop.cli.main import main\n"
        "sys.exit(main(['--database-url', 'sqlite:///arthur.db', 'performance', '--format', 'csv']))\n"
    )
    environment = {
        **os.environ,
        "PYTHONPATH": str(installed_copy),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=environment, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert "Test User 3,2,0,390.0,390.0" in result.stdout
