"""Arthur Desktop at scale: service calls against hand-written SQL on the same database, in one process.

    python benchmarks/bench.py [--chats 1000000] [--engines sqlite,postgresql] [--window] [--only TEXT]
                               [--postgres-url URL]

Databases are generated once (`arthur-desktop generate`) and kept under --data-dir for SQLite; PostgreSQL
uses the server named by ARTHUR_TEST_POSTGRES_URL (scripts/benchmark.sh starts a throwaway one).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_databases import database_url

from scenarios import Scenario, scenarios
from services.database import open_database, upgrade_database
from services.sample_data.generator import GenerationPlan, generate
from services.storage.database import Database


def main() -> int:
    args = _parse_args()
    load = ", ".join(f"{average:.1f}" for average in os.getloadavg())
    print(f"Arthur Desktop benchmark: {args.chats:,} chats, {args.agents} agents, {os.cpu_count()} cores, load {load}")
    print(f"{'engine':<10} {'scenario':<40} {'rows':>6} {'service':>10} {'hand SQL':>10} {'ratio':>6} {'peak RSS':>9}")
    for engine in args.engines.split(","):
        database = _prepared_database(engine, args)
        with tempfile.TemporaryDirectory() as out:
            for scenario in scenarios(database, Path(out)):
                if args.only in scenario.name:
                    _report(engine, scenario)
        if args.window:
            _report_window(engine, database)
        database.dispose()
    return 0


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "arthur-bench")
    parser.add_argument("--window", action="store_true", help="also time the window's first paint")
    parser.add_argument("--only", default="", help="only the scenarios whose name contains this text")
    parser.add_argument("--postgres-url", help="a PostgreSQL database already holding the data (e.g. desktops.py's)")
    return parser.parse_args()


def _prepared_database(engine: str, args: argparse.Namespace) -> Database:
    url = (
        args.postgres_url
        if engine == "postgresql" and args.postgres_url
        else database_url(engine, args.data_dir, args.chats)
    )
    if engine == "postgresql":
        upgrade_database(url)  # as its administrator would; a desktop never alters a PostgreSQL schema
    database = open_database(url, create_and_seed=False)
    with database.engine.connect() as connection:
        chats = connection.execute(text("SELECT count(*) FROM chats")).scalar() or 0
    if chats == 0:
        print(f"{engine}: generating {args.chats:,} chats …", file=sys.stderr)
        summary = generate(database, GenerationPlan(args.agents, args.chats, 6))
        print(f"{engine}: generated in {summary.seconds:.0f} s", file=sys.stderr)
    if engine == "postgresql":
        with database.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
    return database


def _report(engine: str, scenario: Scenario) -> None:
    service_times, hand_times, rows = [], [], 0
    for _ in range(scenario.runs):
        seconds, result = _timed(scenario.service)
        service_times.append(seconds)
        rows = _row_count(result)
        if scenario.hand_written is not None:
            hand_times.append(_timed(scenario.hand_written)[0])
    service = statistics.median(service_times)
    hand = statistics.median(hand_times) if hand_times else None
    ratio = f"{service / hand:6.2f}" if hand else f"{'—':>6}"
    hand_text = f"{hand * 1000:8.1f}ms" if hand else f"{'—':>10}"
    print(
        f"{engine:<10} {scenario.name:<40} {rows:>6} {service * 1000:8.1f}ms {hand_text} {ratio} "
        f"{_peak_rss_mb():7.0f}MB",
        flush=True,
    )


def _report_window(engine: str, database: Database) -> None:
    """A fresh process: window shown, then each panel's first data, and that process's peak RSS."""
    url = database.engine.url.render_as_string(hide_password=False)
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.toml"
        section = f'[absolutely_class_airlines]\noutput_folder = "{folder}"\n'
        config.write_text(f'client = "absolutely_class_airlines"\n{section}')
        script = Path(__file__).resolve().parent / "window_timing.py"
        output = subprocess.run(
            [sys.executable, str(script), url, str(config)], check=True, capture_output=True, text=True
        ).stdout
    measured = json.loads(output)
    for what, seconds in measured["seconds"].items():
        print(
            f"{engine:<10} {'window: ' + what + ' (from process start)':<40} {'':>6} {seconds * 1000:8.1f}ms "
            f"{'—':>10} {'—':>6} {measured['peak_rss_mb']:7.0f}MB",
            flush=True,
        )


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def _row_count(result: Any) -> int:
    if hasattr(result, "chats"):
        return len(result.chats)
    if isinstance(result, str):
        return result.count("\n") + 1
    return len(result) if isinstance(result, list | tuple) else 1


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main())
