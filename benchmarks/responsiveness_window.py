"""The child process of benchmarks/responsiveness.py: the real window on one database, each action measured."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from responsiveness_actions import ACTIONS, Action, Settings
from responsiveness_probe import Gaps, TickProbe

from arthur_desktop.app import application
from arthur_desktop.context import open_context
from arthur_desktop.long_lived import set_aside_start_up_objects
from arthur_desktop.main_window import MainWindow

_START_LIMIT_SECONDS = 300


def measure_window(
    database_url: str, scroll_rows: int, only: tuple[str, ...], runs: int | None, settle_ms: int, limit_seconds: float
) -> list[dict[str, object]]:
    """One row per action: the longest gap and the 99th percentile over its runs, in milliseconds."""
    app = application()
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.toml"
        section = f'[absolutely_class_airlines]\noutput_folder = "{folder}"\n'
        # No automatic refresh of its own: the "automatic refresh" action sets the timer off when it is measured.
        config.write_text(f'client = "absolutely_class_airlines"\n[window]\nrefresh_seconds = 0\n{section}')
        context = open_context(database_url, str(config), os.environ)
        window = MainWindow(context, QSettings(str(Path(folder) / "window.ini"), QSettings.Format.IniFormat))
        window.save_layout_on_close = False
        set_aside_start_up_objects()  # as run_window does
        try:
            window.show()
            _start(window)
            app.processEvents()
            probe, settings = TickProbe(settle_ms, limit_seconds), Settings(scroll_rows)
            chosen = [a for a in ACTIONS if not only or any(a.name.startswith(prefix) for prefix in only)]
            return [_measure(window, probe, action, settings, runs) for action in chosen]
        finally:
            window.close()
            context.close()


def _start(window: MainWindow) -> None:
    loop = QEventLoop()
    window.initial_load_done.connect(loop.quit)
    QTimer.singleShot(_START_LIMIT_SECONDS * 1000, loop.quit)
    window.start()
    loop.exec()
    window.runner.wait_for_done()


def _measure(
    window: MainWindow, probe: TickProbe, action: Action, settings: Settings, runs: int | None
) -> dict[str, object]:
    gaps: list[Gaps] = []
    prepare, start = action.prepare, action.start
    for run in range(action.runs if runs is None or action.runs == 1 else runs):
        if prepare is not None:
            probe.measure(partial(prepare, window, settings))
        gaps.append(probe.measure(partial(start, window, run, settings)))
    pooled = Gaps(tuple(g for one in gaps for g in one.gaps_ms), sum(g.seconds for g in gaps), True)
    collections = [c for one in gaps for c in one.full_collections_ms]
    each = ", ".join(f"{g.longest_ms:.0f}" for g in gaps)
    print(
        f"  {action.name}: longest {pooled.longest_ms:.0f} ms, p99 {pooled.p99_ms:.0f} ms, "
        f"{len(gaps)} run(s) in {pooled.seconds:.1f} s (longest each: {each}); "
        f"{len(collections)} full GC pass(es), "
        f"longest {max(collections, default=0):.0f} ms",
        file=sys.stderr,
        flush=True,
    )
    return {
        "action": action.name,
        "runs": len(gaps),
        "longest_ms": pooled.longest_ms,
        "p99_ms": pooled.p99_ms,
        "seconds": round(pooled.seconds, 2),
        "finished": all(g.finished for g in gaps),
        "full_gc_passes": len(collections),
        "longest_full_gc_ms": max(collections, default=0.0),
        "longest_each_ms": [g.longest_ms for g in gaps],
        "at": time.strftime("%H:%M:%S"),
    }
