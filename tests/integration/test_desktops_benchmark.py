"""benchmarks/desktops.py runs end to end: two simulated desktops on a small PostgreSQL database, for a few seconds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.sample_data.generator import GenerationPlan, generate
from services.storage.database import Database
from services.storage.models import Chat, Delivery

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "desktops.py"


@pytest.mark.postgres
def test_two_desktops_refresh_end_chats_and_report_without_errors(postgres_database: Database, tmp_path: Path) -> None:
    generate(postgres_database, GenerationPlan(agents=5, chats=600, messages_per_chat=3), append=True)
    url = postgres_database.engine.url.render_as_string(hide_password=False)
    report = tmp_path / "desktops.json"
    options: dict[str, object] = {
        "desktops": 2,
        "seconds": 2.5,
        "ramp": 0.3,
        "processes": 1,
        "refresh-seconds": 1,
        "enders": 0.5,
    }
    options |= {"ends-every": 0.4, "retriers": 0.5, "retries-every": 0.5, "failing": 0.5, "json": str(report)}

    finished = subprocess.run(
        [sys.executable, str(SCRIPT), "--url", url, *(f"--{name}={value}" for name, value in options.items())],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode == 0, finished.stderr
    assert "Traceback" not in finished.stderr
    (result,) = json.loads(report.read_text())
    assert result["desktops"] == 2
    assert result["errors"] == 0, result["first_errors"]
    assert sum(result["causes"].values()) == result["refreshes"]
    assert result["causes"].get("timer", 0) >= 1  # the refresh beat
    assert result["causes"].get("live", 0) >= 1  # the other desktop heard an end through LISTEN
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]
    assert result["ends_per_second"] > 0
    # Each own End chat works the reports out (F5's way); the counts say so
    assert result["work_outs"]["performance"] >= 1 and result["work_outs"]["summary"] >= 1
    assert "refreshes that worked a report out" in result["worked_out"]
    # Each desktop holds its LISTEN connection and at least one pooled one.
    assert 4 <= result["connections_max"] <= 2 * 6
    assert result["server_cores"] is None or result["server_cores"] >= 0
    with postgres_database.unit_of_work() as uow:
        delivered = uow.session.scalar(select(func.count()).select_from(Delivery))
        ended_here = uow.session.scalar(select(func.count()).select_from(Chat).where(Chat.handle_end.is_not(None)))
    assert delivered and delivered >= result["ends_per_second"] * 2.5 - 1
    assert ended_here
    assert finished.stdout.splitlines()[1].split()[:2] == ["desktops", "refreshes"]
    assert finished.stdout.splitlines()[2].split()[0] == "2"
