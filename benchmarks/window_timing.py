"""Run in a fresh process: when does each panel of the window first show its data?

    python benchmarks/window_timing.py DATABASE_URL CONFIG_PATH   -> one JSON object on stdout

Times are seconds from the process start (interpreter start-up included), so they are what a person waits.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402

from arthur_desktop.app import application  # noqa: E402
from arthur_desktop.context import open_context  # noqa: E402
from arthur_desktop.main_window import MainWindow  # noqa: E402


def main(database_url: str, config_path: str) -> int:
    app = application()
    context = open_context(database_url, config_path, os.environ)
    window = MainWindow(context, QSettings("arthur-bench", "window-timing"))
    window.save_layout_on_close = False
    times: dict[str, float] = {}

    def note(source: str) -> None:
        times.setdefault(source, round(time.perf_counter() - STARTED, 3))

    for panel in (window.performance_panel, window.chat_panel, window.deliveries_panel):
        panel.loaded.connect(note)
    loop = QEventLoop()
    window.initial_load_done.connect(loop.quit)
    QTimer.singleShot(120_000, loop.quit)
    window.show()
    app.processEvents()
    times["window shown"] = round(time.perf_counter() - STARTED, 3)
    window.start()
    loop.exec()
    window.runner.wait_for_done()
    window.close()
    context.close()
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": times, "peak_rss_mb": round(peak_rss_mb)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
