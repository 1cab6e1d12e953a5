"""Many desktops on one PostgreSQL: N simulated windows (benchmarks/desktop_sim.py) at once, measured.

    scripts/with-postgres.sh .venv/bin/python benchmarks/desktops.py [--desktops 25,50,100,200] [--seconds 90]
    .venv/bin/python benchmarks/desktops.py --url postgresql+psycopg://postgres@127.0.0.1:55433/arthur_desktops

The database is the one named by --url, else a database arthur_desktops_<chats> on the server of
ARTHUR_TEST_POSTGRES_URL, generated (`arthur-desktop generate`) when it holds no chat. Each run reports the
refresh time (from a refresh's start to its last panel loaded; p50/p99), the chats ended per second, the
server's CPU (its processes in /proc, in cores), the benchmark's own CPU, the connections held
(pg_stat_activity, most at once) and the errors. The machine's load average is printed with every run.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

from desktop_plan import DesktopPlan, DesktopStats
from desktop_sim import SimulatedDesktop, count_work_outs
from server_probe import ConnectionSampler, postmaster_pid, server_cpu_seconds

from services.config import DEFAULT_REFRESH_SECONDS
from services.database import open_database, upgrade_database
from services.sample_data.generator import GenerationPlan, generate

HEADER = (
    f"{'desktops':>8} {'refreshes':>9} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'p99 no chart':>12} {'ends/s':>6} "
    f"{'refused':>7} {'server CPU':>10} {'bench CPU':>9} {'conns':>5} {'per desk':>8} {'errors':>6} {'load avg':>14}"
)


def main() -> int:
    args = _parse_args()
    args.ramp = args.refresh_seconds if args.ramp is None else args.ramp
    url = args.url or _generated_database(args)
    pid = postmaster_pid(url)
    print(
        f"Arthur Desktop, many desktops: refresh every {args.refresh_seconds:g} s, {args.seconds:g} s measured, "
        f"{args.enders:.0%} ending a chat every {args.ends_every:g} s, {args.retriers:.0%} pressing Retry all every "
        f"{args.retries_every:g} s, {args.chart:.0%} with the chart shown; notices reload "
        f"{'every panel' if args.live_refreshes_all else 'the lists'}; reports "
        f"{'each worked out by every desktop' if args.no_sharing else 'shared'}; {os.cpu_count()} cores",
        flush=True,
    )
    print(HEADER, flush=True)
    results = []
    for count in (int(n) for n in args.desktops.split(",")):
        result = run(url, count, args, pid)
        results.append(result)
        print(_row(result), flush=True)
        for what in ("cause", "load"):
            spread = result[f"p50_p99_ms_by_{what}"]
            print(f"    by {what} (p50/p99 ms): " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in spread.items()))
        if result["worked_out_refreshes"]:
            print("    " + _work_outs(result))
        for error in result["first_errors"]:
            print(f"    error: {error}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a PostgreSQL database holding the data (else generated, see above)")
    parser.add_argument("--desktops", default="25,50,100,200", help="comma-separated counts, one run each")
    parser.add_argument("--seconds", type=float, default=90.0, help="measured time per run (90)")
    parser.add_argument(
        "--ramp",
        type=float,
        help="desktops open over this many seconds first (default: --refresh-seconds, so that their automatic "
        "refreshes keep phases spread over the whole interval, as windows opened at different moments do)",
    )
    parser.add_argument("--refresh-seconds", type=float, default=float(DEFAULT_REFRESH_SECONDS))
    parser.add_argument("--enders", type=float, default=0.1, help="share of desktops that end chats (0.1)")
    parser.add_argument("--ends-every", type=float, default=60.0, help="mean seconds between an ender's ends (60)")
    parser.add_argument("--retriers", type=float, default=0.05, help="share that press Retry all (0.05)")
    parser.add_argument("--retries-every", type=float, default=120.0, help="mean seconds between presses (120)")
    parser.add_argument("--chart", type=float, default=0.2, help="share with the chart tab shown (0.2)")
    parser.add_argument("--failing", type=float, default=0.1, help="share of deliveries refused for now (0.1)")
    parser.add_argument(
        "--live-refreshes-all",
        action="store_true",
        help="every notice reloads the performance table and chart too, as before the measured change",
    )
    parser.add_argument(
        "--no-sharing",
        action="store_true",
        help="every desktop works out every report, as before services.shared_reports",
    )
    parser.add_argument("--processes", type=int, default=0, help="worker processes (default: 2 per core)")
    parser.add_argument("--chats", type=int, default=1_000_000, help="for a generated database (1000000)")
    parser.add_argument("--agents", type=int, default=500, help="for a generated database (500)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    return parser.parse_args()


def _generated_database(args: argparse.Namespace) -> str:
    server = os.environ.get("ARTHUR_TEST_POSTGRES_URL")
    if not server:
        sys.exit("desktops: give --url, or run through scripts/with-postgres.sh")
    name = f"arthur_desktops_{args.chats}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    upgrade_database(url)  # as the owner would: a desktop does not change a PostgreSQL schema
    database = open_database(url, create_and_seed=False)
    with database.engine.connect() as connection:
        empty = not connection.execute(text("SELECT count(*) FROM chats")).scalar()
    if empty:
        print(f"desktops: generating {args.chats:,} chats …", file=sys.stderr, flush=True)
        generate(database, GenerationPlan(args.agents, args.chats, 6))
        with database.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
    database.dispose()
    return url


def run(url: str, count: int, args: argparse.Namespace, pid: int | None) -> dict[str, Any]:
    """One run of count desktops spread over worker processes; the figures of the measured part."""
    plans = _plans(url, count, args)
    processes = min(count, args.processes or 2 * (os.cpu_count() or 1))
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=run_desktops, args=(plans[index::processes], queue), daemon=True)
        for index in range(processes)
    ]
    for worker in workers:
        worker.start()
    measure_from, stop_at = plans[0].measure_from, plans[0].stop_at
    load_before = os.getloadavg()
    _sleep_until(measure_from)
    cpu_before = server_cpu_seconds(pid) if pid else None
    with ConnectionSampler(url) as sampler:
        _sleep_until(stop_at)
    cpu_after = server_cpu_seconds(pid) if pid else None
    load_after = os.getloadavg()
    outcomes = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    stats = [DesktopStats(**item) for outcome in outcomes for item in outcome["desktops"]]
    seconds = stop_at - measure_from
    return _summary(count, stats, seconds, sampler.samples, outcomes, (cpu_before, cpu_after), load_before, load_after)


def _plans(url: str, count: int, args: argparse.Namespace) -> list[DesktopPlan]:
    rng = random.Random(args.seed * 1000 + count)
    begin = time.time() + 2.0  # the worker processes import first
    measure_from = begin + args.ramp
    stop_at = measure_from + args.seconds
    enders = max(1, round(count * args.enders)) if args.enders else 0
    retriers = round(count * args.retriers)
    chart = round(count * args.chart)
    return [
        DesktopPlan(
            number=number,
            url=url,
            refresh_seconds=args.refresh_seconds,
            start_at=begin + rng.uniform(0, args.ramp),
            measure_from=measure_from,
            stop_at=stop_at,
            ends_every=args.ends_every if number < enders else None,
            retries_every=args.retries_every if enders <= number < enders + retriers else None,
            chart_shown=number >= count - chart,
            failing_share=args.failing,
            live_refreshes_all=args.live_refreshes_all,
            share_reports=not args.no_sharing,
            seed=rng.randrange(1 << 30),
        )
        for number in range(count)
    ]


def run_desktops(plans: Sequence[DesktopPlan], queue: Any) -> None:
    """In a worker process: each desktop on a thread of its own; the stats go back through queue."""
    logging.getLogger().setLevel(logging.ERROR)  # a refused delivery is expected here, not news
    stop = threading.Event()
    count_work_outs()
    desktops = [SimulatedDesktop(plan, stop) for plan in plans]
    threads = [threading.Thread(target=desktop.run, daemon=True) for desktop in desktops]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    queue.put({"desktops": [asdict(d.stats) for d in desktops], "cpu": usage.ru_utime + usage.ru_stime})


def _summary(
    count: int,
    stats: list[DesktopStats],
    seconds: float,
    connections: list[int],
    outcomes: list[dict[str, Any]],
    server_cpu: tuple[float | None, float | None],
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> dict[str, Any]:
    refreshes = sorted(value for s in stats for value in s.refreshes)
    with_chart = sorted(value for s in stats for value in s.chart_refreshes)
    without_chart = sorted(value for s in stats for value in s.plain_refreshes)
    errors = [error for s in stats for error in s.errors]
    causes: dict[str, int] = {}
    for s in stats:
        for cause, number in s.causes.items():
            causes[cause] = causes.get(cause, 0) + number
    before, after = server_cpu
    return {
        "desktops": count,
        "refreshes": len(refreshes),
        "causes": causes,
        "p50_ms": _percentile(refreshes, 0.50) * 1000,
        "p99_ms": _percentile(refreshes, 0.99) * 1000,
        "max_ms": (refreshes[-1] if refreshes else 0.0) * 1000,
        "p99_without_chart_ms": _percentile(without_chart, 0.99) * 1000,
        "p99_with_chart_ms": _percentile(with_chart, 0.99) * 1000,
        "ends_per_second": sum(s.ends for s in stats) / seconds,
        "refused_ends": sum(s.refused_ends for s in stats),
        "retried": sum(s.retried for s in stats),
        "server_cores": (after - before) / seconds if before is not None and after is not None else None,
        "bench_cpu_seconds": sum(outcome["cpu"] for outcome in outcomes),
        "connections_max": max(connections, default=0),
        "connections_mean": statistics.fmean(connections) if connections else 0.0,
        "errors": len(errors),
        "first_errors": sorted(set(errors))[:5],
        "load_average": [round(load_before[0], 2), round(load_after[0], 2)],
        "p50_p99_ms_by_cause": _spread(s.by_cause for s in stats),
        "p50_p99_ms_by_load": _spread(s.loads for s in stats),
        "worked_out": _spread(
            {"refreshes that worked a report out": s.worked_out, "that read every report kept": s.read_kept}
            for s in stats
        ),
        "worked_out_refreshes": sum(len(s.worked_out) for s in stats),
        "read_kept_refreshes": sum(len(s.read_kept) for s in stats),
        "work_outs": {name: sum(s.work_outs.get(name, 0) for s in stats) for name in _REPORTS},
    }


_REPORTS = ("performance", "summary", "chart")


def _work_outs(result: dict[str, Any]) -> str:
    spread = result["worked_out"]
    worked = spread["refreshes that worked a report out"]
    kept = spread.get("that read every report kept", ["—", "—"])
    times = ", ".join(f"{name} {n}" for name, n in result["work_outs"].items())
    return (
        f"refreshes that worked a report out: {result['worked_out_refreshes']}, p50/p99 {worked[0]}/{worked[1]} ms; "
        f"that read every report kept: {result['read_kept_refreshes']}, p50/p99 {kept[0]}/{kept[1]} ms; "
        f"work-outs: {times}"
    )


def _spread(per_desktop: Any) -> dict[str, list[float]]:
    """Per name, the p50 and p99 of every desktop's seconds, in milliseconds."""
    pooled: dict[str, list[float]] = {}
    for named in per_desktop:
        for name, values in named.items():
            pooled.setdefault(name, []).extend(values)
    return {
        name: [round(_percentile(sorted(values), share) * 1000) for share in (0.50, 0.99)]
        for name, values in sorted(pooled.items())
    }


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _row(result: dict[str, Any]) -> str:
    server = f"{result['server_cores']:.2f} cores" if result["server_cores"] is not None else "—"
    load = f"{result['load_average'][0]:.1f} → {result['load_average'][1]:.1f}"
    per_desktop = result["connections_max"] / result["desktops"]
    return (
        f"{result['desktops']:>8} {result['refreshes']:>9} {result['p50_ms']:>7.0f} {result['p99_ms']:>7.0f} "
        f"{result['max_ms']:>7.0f} {result['p99_without_chart_ms']:>12.0f} {result['ends_per_second']:>6.2f} "
        f"{result['refused_ends']:>7} {server:>10} "
        f"{result['bench_cpu_seconds']:>8.0f}s {result['connections_max']:>5} {per_desktop:>8.1f} "
        f"{result['errors']:>6} {load:>14}"
    )


def _sleep_until(moment: float) -> None:
    while (left := moment - time.time()) > 0:
        time.sleep(min(left, 1.0))


if __name__ == "__main__":
    os.environ.setdefault("XDG_DATA_HOME", tempfile.mkdtemp(prefix="arthur-desktops-"))  # the claims' lock files
    sys.exit(main())
