"""Does the window stutter? A 5 ms timer on the GUI thread records the gaps between its ticks around each action.

    python benchmarks/responsiveness.py [--chats 1000000] [--engines sqlite,postgresql] [--data-dir DIR]
                                        [--scroll-rows 100000] [--actions NAME,...] [--runs N]

Each engine runs in a fresh process: the real MainWindow (offscreen) on a generated database, driven by real input
(benchmarks/responsiveness_actions.py); the table gives, per action, the longest gap and the 99th percentile of the
gaps (a smooth window stays under 50 ms). Databases are generated once (`arthur-desktop generate`) and kept under
--data-dir for SQLite; PostgreSQL uses the server named by ARTHUR_TEST_POSTGRES_URL (run through
scripts/with-postgres.sh). The End chat action ends real chats of that database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_databases import database_url

from services.database import upgrade_database

ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def main() -> int:
    args = _parse_args()
    if args.child is not None:
        from responsiveness_window import measure_window  # Qt is imported in the child only

        limits = (args.runs, args.settle_ms, args.limit_seconds)
        measured = measure_window(args.child, args.scroll_rows, _chosen(args.actions), *limits)
        print(json.dumps(measured))
        return 0
    print(f"Responsiveness: {args.chats:,} chats, {args.agents} agents, {os.cpu_count()} cores", flush=True)
    results: dict[str, list[dict[str, object]]] = {}
    for engine in args.engines.split(","):
        url = _prepared_database(engine, args)
        print(f"{engine}: measuring (load average before: {_load()})", flush=True)
        results[engine] = _run_child(url, args)
        print(f"{engine}: done (load average after: {_load()})", flush=True)
    print()
    print(_table(results, args.scroll_rows))
    return 0


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "arthur-bench")
    parser.add_argument("--scroll-rows", type=int, default=100_000, help="how far the scroll goes (N)")
    parser.add_argument("--actions", default="", help="only the actions whose names start with these, comma-separated")
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        help="runs of each action (default 3; the scroll runs once whatever this says)",
    )
    parser.add_argument("--settle-ms", type=int, default=250, help="how long the probe goes on after an action ends")
    parser.add_argument("--limit-seconds", type=float, default=300, help="an action not done by then is reported so")
    parser.add_argument("--child", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    return parser.parse_args()


def _chosen(actions: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in actions.split(",") if name.strip())


def _prepared_database(engine: str, args: argparse.Namespace) -> str:
    """The database's URL, generated the first time (as benchmarks/bench.py names it, so both reuse it)."""
    url = database_url(engine, args.data_dir, args.chats)
    upgrade_database(url)  # as the administrator would (an older benchmark database gains what is new)
    probe = create_engine(url)
    try:
        with probe.connect() as connection:
            has_chats = connection.execute(text("SELECT 1 FROM chats LIMIT 1")).scalar() is not None
    except Exception:  # no tables yet: a new database
        has_chats = False
    probe.dispose()
    if not has_chats:
        print(f"{engine}: generating {args.chats:,} chats …", file=sys.stderr, flush=True)
        command = ["--database-url", url, "generate", "--agents", str(args.agents), "--chats", str(args.chats)]
        subprocess.run([sys.executable, "-m", "arthur_desktop", *command], check=True)
    if engine == "postgresql":
        analyze = create_engine(url, isolation_level="AUTOCOMMIT")
        with analyze.connect() as connection:
            connection.execute(text("ANALYZE"))
        analyze.dispose()
    return url


def _run_child(url: str, args: argparse.Namespace) -> list[dict[str, object]]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", url, "--scroll-rows", str(args.scroll_rows)]
    command += ["--settle-ms", str(args.settle_ms)] + ([] if args.runs is None else ["--runs", str(args.runs)])
    command += ["--limit-seconds", str(args.limit_seconds)]
    if args.actions:
        command += ["--actions", args.actions]
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, env=environment).stdout
    measured: list[dict[str, object]] = json.loads(output.strip().splitlines()[-1])
    return measured


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _table(results: dict[str, list[dict[str, object]]], scroll_rows: int) -> str:
    engines = list(results)
    header = "| action | " + " | ".join(f"{ENGINE_NAMES.get(e, e)} longest / p99" for e in engines) + " |"
    lines = [header, "|---|" + "---:|" * len(engines)]
    names = list(dict.fromkeys(str(row["action"]) for rows in results.values() for row in rows))
    for name in names:
        cells = []
        for engine in engines:
            row = next((r for r in results[engine] if r["action"] == name), None)
            cells.append("—" if row is None else _cell(row))
        lines.append(f"| {name.replace(' N ', f' {scroll_rows:,} ')} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(row: dict[str, object]) -> str:
    text_ = f"{float(row['longest_ms']):.0f} / {float(row['p99_ms']):.0f} ms"  # type: ignore[arg-type]
    return text_ if row["finished"] else text_ + " (not finished)"


if __name__ == "__main__":
    sys.exit(main())
