"""Start-up to the painted window, in one run: the installed bundle, the venv's program, and the README's run command
(a second launch), each started in turn from a bare environment, as a desktop starts a program.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--program /usr/bin/arthur-desktop]

Each start is timed from spawning the process until its --screenshot file appears: the window shown, its tables
loaded from the seed database and painted (QWidget.grab), which is what a person waits for. Prints the median and
the range per program, and the sizes of the bundle, the packages and the venv.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
POLL_SECONDS = 0.005


def main() -> int:
    args = parse_args()
    programs = {
        "bundle (installed .deb)": [str(args.program)],
        "venv (.venv/bin/arthur-desktop)": [str(REPOSITORY / ".venv" / "bin" / "arthur-desktop")],
        "scripts/run.sh, second launch": ["bash", str(REPOSITORY / "scripts" / "run.sh")],
    }
    with tempfile.TemporaryDirectory(prefix="arthur-startup-") as folder:
        work = Path(folder)
        home, database, config = prepare(work, programs["venv (.venv/bin/arthur-desktop)"])
        for command in programs.values():  # one untimed start each: the run command's install, the disk cache
            seconds_to_window(command, home, database, config, work / "warm.png")
        times: dict[str, list[float]] = {name: [] for name in programs}
        for run in range(args.runs):
            for name, command in programs.items():
                times[name].append(seconds_to_window(command, home, database, config, work / f"{run}.png"))
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"start-up to the painted window, {args.runs} starts each, taken in turn (load average {load}):")
    for name, values in times.items():
        print(f"  {name:34s} median {statistics.median(values):.2f} s (from {min(values):.2f} to {max(values):.2f} s)")
    print_sizes(args.program)
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--program", type=Path, default=Path("/usr/bin/arthur-desktop"), help="the installed bundle")
    return parser.parse_args()


def prepare(work: Path, program: list[str]) -> tuple[Path, Path, Path]:
    home = work / "home"
    home.mkdir()
    database = work / "seed.db"
    subprocess.run([*program, "--database-url", f"sqlite:///{database}", "init-db"], env=bare(home), check=True)
    config = work / "config.toml"
    config.write_text(
        f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{work / "out"}"\n',
        "utf-8",
    )
    return home, database, config


def bare(home: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen"}


def seconds_to_window(command: list[str], home: Path, database: Path, config: Path, png: Path) -> float:
    png.unlink(missing_ok=True)
    arguments = ["--database-url", f"sqlite:///{database}", "--config", str(config), "--screenshot", str(png)]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, *arguments], env=bare(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    while not (png.exists() and png.stat().st_size > 0):
        if process.poll() is not None and not png.exists():
            raise SystemExit(f"startup: {command[-1]} exited with {process.returncode} before painting the window")
        time.sleep(POLL_SECONDS)
    seconds = time.perf_counter() - started
    process.wait(timeout=60)
    return seconds


def print_sizes(program: Path) -> None:
    bundle = program.resolve().parent
    print("sizes:")
    print(f"  bundle installed in {bundle}: {megabytes(folder_bytes(bundle))}")
    for package in sorted((REPOSITORY / "dist").glob("arthur-desktop*")):
        print(f"  {package.relative_to(REPOSITORY)}: {megabytes(package.stat().st_size)}")
    venv = REPOSITORY / ".venv"
    print(f"  .venv (with the test tools): {megabytes(folder_bytes(venv))}")


def folder_bytes(folder: Path) -> int:
    return sum(path.lstat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.0f} MB"


if __name__ == "__main__":
    raise SystemExit(main())
