"""benchmarks/responsiveness.py runs end to end on a tiny database: every action is driven and measured."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from services.database import open_database
from services.sample_data.generator import GenerationPlan, generate

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "responsiveness.py"
ACTIONS = (
    "drill-down (double-click an agent)",
    "select a chat (click)",
    "search typed",
    "date-range change (arrow key)",
    "End chat, click to result",
    "End 3 chats (Ctrl-clicks), click to every outcome",
    "queue: the Waiting view, and back",
    "sort by header clicks (Handling, ID, ID)",
    "trends tab: click, and back",
    "scroll to row 250 (mouse wheel)",
    "F5 with 250 rows loaded",
    "automatic refresh with 250 rows loaded",
)


def test_the_responsiveness_benchmark_measures_every_action_on_a_tiny_sqlite_database(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'arthur-400.db'}", create_and_seed=False)
    generate(database, GenerationPlan(6, 400, 6))  # where the script looks for it, so it need not generate one
    command = [sys.executable, str(SCRIPT), "--chats", "400", "--agents", "6", "--engines", "sqlite"]
    command += ["--data-dir", str(tmp_path), "--scroll-rows", "250", "--runs", "1", "--settle-ms", "30"]
    command += ["--limit-seconds", "20"]
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}

    finished = subprocess.run(command, capture_output=True, text=True, timeout=120, env=environment)

    assert finished.returncode == 0, finished.stderr
    rows = {
        match[0]: match[1:]
        for match in re.findall(r"^\| (.+?) \| (\d+) / (\d+) ms( \(not finished\))? \|$", finished.stdout, re.MULTILINE)
    }
    assert list(rows) == list(ACTIONS)
    assert all(not not_finished for _longest, _p99, not_finished in rows.values())
    assert all(int(longest) >= int(p99) > 0 for longest, p99, _ in rows.values())
    with database.engine.connect() as connection:  # the End clicks really ended chats (1, then 3) and delivered them
        delivered = connection.execute(text("SELECT count(*) FROM deliveries WHERE status = 'delivered'")).scalar()
    database.dispose()
    assert delivered == 4
