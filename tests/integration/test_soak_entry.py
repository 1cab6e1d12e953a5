"""The soak driver (benchmarks/soak.py) runs through the program's own entry point, as it does in the bundle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_the_hidden_soak_driver_option_drives_the_window_and_reports(tmp_path: Path, sqlite_url: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{tmp_path / "out"}"\n'
        "[window]\nrefresh_seconds = 1\n",
        "utf-8",
    )
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}

    finished = subprocess.run(
        [sys.executable, "-m", "arthur_desktop", "--soak-driver", sqlite_url, str(config), "1.5", "--seed", "3"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode == 0, finished.stderr
    kinds = [line.split("\t")[0] for line in finished.stdout.splitlines()]
    assert kinds[-2:] == ["sample", "done"]
    assert "python-exception" not in kinds
    sample = json.loads(finished.stdout.splitlines()[-2].split("\t")[1])
    assert sum(sample["actions"].values()) >= 3  # one action every 300 ms
