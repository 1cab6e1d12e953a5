"""Soak: the window used as a manager uses it, for N minutes, in a child process; reports aborts, Python exceptions,
Qt warnings and the refcounts of None/True/False over time. Exits 1 on an abort or an exception.

    .venv/bin/python benchmarks/soak.py --minutes 30                 # app.exec() event loop, refresh every second
    .venv/bin/python benchmarks/soak.py --minutes 10 --runs 3 --pump # the driver pumps events by hand
    .venv/bin/python benchmarks/soak.py --database-url URL           # an existing database instead of a new one
    .venv/bin/python benchmarks/soak.py --program /usr/bin/arthur-desktop   # the installed bundle instead of .venv

The driver (arthur_desktop/soak_driver.py) runs in the program under test, behind its undocumented --soak-driver
option: by default `python -m arthur_desktop` of this venv; with --program, the installed bundle with its own Python
and PySide6, started with a bare environment (no venv, no Python on PATH), as a desktop starts it.

Without --database-url it generates a SQLite database (--agents, --chats) in a temporary folder once and copies it
for each run, so every run starts from the same data with chats in progress to end. Not part of CI: it takes minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SOAK_DRIVER = "--soak-driver"
# Qt's offscreen platform says this on every window state change; it is not about our code.
HARMLESS = ("This plugin does not support propagateSizeHints()",)


@dataclass
class RunReport:
    exit_code: int = 0
    seconds: float = 0.0
    samples: list[dict[str, object]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    qt_messages: Counter[str] = field(default_factory=Counter)
    stderr_tail: str = ""

    @property
    def aborted(self) -> bool:
        return self.exit_code != 0


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="arthur-soak-") as folder:
        work = Path(folder)
        program = Program.chosen(args.program)
        template = None if args.database_url else generate_database(program, work, args.agents, args.chats)
        config = write_config(work, args.refresh_seconds)
        print(
            f"soak: {args.runs} run(s) of {args.minutes} min, refresh every {args.refresh_seconds} s, "
            f"event loop {'processEvents() by hand' if args.pump else 'app.exec()'}; {program.versions()}",
            flush=True,
        )
        reports = []
        for run in range(1, args.runs + 1):
            url = args.database_url or copy_database(template, work / f"run-{run}.db")
            report = soak_once(program, url, config, args.minutes * 60, pump=args.pump, seed=run)
            print_report(run, report)
            reports.append(report)
    failed = [r for r in reports if r.aborted or r.exceptions]
    print(f"soak: {len(reports) - len(failed)} of {len(reports)} run(s) clean")
    return 1 if failed else 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--pump", action="store_true", help="pump events with processEvents() between actions")
    parser.add_argument("--refresh-seconds", type=int, default=1)
    parser.add_argument("--database-url")
    parser.add_argument("--agents", type=int, default=40)
    parser.add_argument("--chats", type=int, default=50_000)
    parser.add_argument("--program", type=Path, help="an installed arthur-desktop bundle to soak instead of this venv")
    return parser.parse_args()


@dataclass(frozen=True)
class Program:
    """How to start Arthur Desktop: this venv's `python -m arthur_desktop`, or an installed bundle."""

    command: list[str]
    environment: dict[str, str]

    @classmethod
    def chosen(cls, program: Path | None) -> Program:
        if program is None:
            return cls([sys.executable, "-X", "faulthandler", "-m", "arthur_desktop"], dict(os.environ))
        bare = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}
        return cls([str(program)], bare)

    def versions(self) -> str:
        result = subprocess.run(
            [*self.command, "--version"], capture_output=True, text=True, check=True, env=self.environment
        )
        return " ".join(result.stdout.split("\n")[:2]).strip()


def generate_database(program: Program, folder: Path, agents: int, chats: int) -> Path:
    path = folder / "template.db"
    command = [
        *program.command,
        "--database-url",
        f"sqlite:///{path}",
        "generate",
        "--agents",
        str(agents),
        "--chats",
        str(chats),
        "--messages-per-chat",
        "6",
    ]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=program.environment)
    return path


def copy_database(template: Path | None, target: Path) -> str:
    assert template is not None
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def write_config(folder: Path, refresh_seconds: int) -> Path:
    config = folder / "config.toml"
    config.write_text(
        'client = "absolutely_class_airlines"\n'
        f'[absolutely_class_airlines]\noutput_folder = "{folder / "transcripts"}"\n'
        f"[window]\nrefresh_seconds = {refresh_seconds}\n",
        "utf-8",
    )
    return config


def soak_once(program: Program, database_url: str, config: Path, seconds: float, *, pump: bool, seed: int) -> RunReport:
    command = [
        *program.command,
        SOAK_DRIVER,
        database_url,
        str(config),
        str(seconds),
        "--seed",
        str(seed),
    ] + (["--pump"] if pump else [])
    environment = {**program.environment, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    report, started = RunReport(), time.monotonic()
    with tempfile.TemporaryFile("w+") as stderr:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True, env=environment)
        assert child.stdout is not None
        for line in child.stdout:
            read_line(line.rstrip("\n"), report)
        try:
            report.exit_code = child.wait(timeout=seconds + 120)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGABRT)  # faulthandler prints where it hangs
            report.exit_code = child.wait()
        stderr.seek(0)
        report.stderr_tail = stderr.read()[-3000:]
    report.seconds = time.monotonic() - started
    return report


def read_line(line: str, report: RunReport) -> None:
    kind, _, text = line.partition("\t")
    if kind == "sample":
        report.samples.append(json.loads(text))
    elif kind == "python-exception":
        report.exceptions.append(json.loads(text))
    elif kind == "qt-message":
        report.qt_messages[text] += 1


def print_report(run: int, report: RunReport) -> None:
    last = report.samples[-1] if report.samples else {}
    actions = last.get("actions", {})
    assert isinstance(actions, dict)
    outcome = "ran to the end" if not report.aborted else f"ABORTED (exit code {report.exit_code})"
    print(
        f"run {run}: {outcome} after {report.seconds:.0f} s; {sum(actions.values())} actions "
        f"({', '.join(f'{name} {count}' for name, count in sorted(actions.items()))})"
    )
    if report.samples:
        for key in ("none", "true", "false"):
            values = [int(str(sample[key])) for sample in report.samples]
            print(f"  refcount {key:5s}: first {values[0]}, last {values[-1]}, lowest {min(values)}")
    print(f"  Python exceptions: {len(report.exceptions)}")
    for text in report.exceptions[:3]:
        print("    " + text.strip().replace("\n", "\n    "))
    warnings = {text: n for text, n in report.qt_messages.items() if not any(h in text for h in HARMLESS)}
    ignored = sum(report.qt_messages.values()) - sum(warnings.values())
    print(f"  Qt warnings: {sum(warnings.values())} (offscreen platform notices left out: {ignored})")
    for text, count in sorted(warnings.items(), key=lambda item: -item[1])[:10]:
        print(f"    {count} x {text}")
    if report.aborted:
        print("  stderr (last lines):\n    " + report.stderr_tail.strip().replace("\n", "\n    "))


if __name__ == "__main__":
    sys.exit(main())
