"""The window as a manager uses it all day, in this process; run by benchmarks/soak.py, which reads what it prints.

    python -X faulthandler -m arthur_desktop --soak-driver DATABASE_URL CONFIG_PATH SECONDS [--pump] [--seed N]
    /usr/bin/arthur-desktop --soak-driver DATABASE_URL CONFIG_PATH SECONDS [--pump] [--seed N]   (the bundle)

It lives in the package, behind an undocumented option of the entry point, so that the installed bundle (its own
Python and PySide6) runs the same driver as a venv does. It ends chats: never point it at a database in use.

Opens the window exactly as `arthur_desktop.app.run_window` does and acts every ACTION_MS through real input:
picks agents, drills down and back, scrolls the chat list to its end (loading the next pages), types searches key by
key, picks chats, switches tabs and periods, and ends chats in progress (the real confirmation dialog, answered by
clicking Yes). Prints tab-separated lines: `sample` (refcounts of None/True/False and the actions so far, as JSON),
`qt-message`, `python-exception`, and `done`.

By default the event loop is `app.exec()`; with --pump the driver runs its own loop of `processEvents()` between
actions, as a test harness might.
"""

from __future__ import annotations

import faulthandler
import json
import os
import random
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QSettings,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QTableView

from arthur_desktop.app import application
from arthur_desktop.context import open_context
from arthur_desktop.long_lived import set_aside_start_up_objects
from arthur_desktop.main_window import MainWindow
from arthur_desktop.widgets.date_range_filter import ALL_TIME, LAST_7_DAYS, LAST_30_DAYS, TODAY

ACTION_MS = 300
SAMPLE_SECONDS = 10


def say(kind: str, text: str) -> None:
    print(f"{kind}\t{text}", flush=True)


def report_qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    say("qt-message", f"{kind.name}: {message}")


def report_exception(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    say("python-exception", json.dumps("".join(traceback.format_exception(kind, error, tb))))


class Manager:
    """One action per step, in a shuffled round; each is what a person does with mouse and keyboard."""

    def __init__(self, window: MainWindow, rng: random.Random) -> None:
        self.window = window
        self.rng = rng
        self.done: Counter[str] = Counter()
        self._round: list[Callable[[], None]] = []

    def step(self) -> None:
        if not self._round:
            self._round = [
                self.pick_agent,
                self.drill_down,
                self.show_every_agent,
                self.scroll_to_the_end,
                self.search,
                self.clear_search,
                self.pick_chat,
                self.switch_tab,
                self.change_period,
                self.end_a_chat,
            ]
            self.rng.shuffle(self._round)
        action = self._round.pop()
        action()
        self.done[action.__name__] += 1

    def pick_agent(self) -> None:
        self._click_row(self.window.performance_panel.table)

    def drill_down(self) -> None:
        self._click_row(self.window.performance_panel.table, double=True)

    def show_every_agent(self) -> None:
        chip = self.window.chat_panel.agent_chip
        if chip.isVisible():
            QTest.mouseClick(chip, Qt.MouseButton.LeftButton)

    def scroll_to_the_end(self) -> None:
        table = self.window.chat_panel.table
        table.setFocus()
        QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)

    def search(self) -> None:
        box = self.window.chat_panel.search_box
        QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(box, self.rng.choice(["agent 00", "mur", "o'b", "ann", "zz", "1"]))

    def clear_search(self) -> None:
        box = self.window.chat_panel.search_box
        QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(box, Qt.Key.Key_Backspace)

    def pick_chat(self) -> None:
        self._click_row(self.window.chat_panel.table)

    def switch_tab(self) -> None:
        key = self.rng.choice([Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4])
        QTest.keyClick(self.window, key, Qt.KeyboardModifier.ControlModifier)

    def change_period(self) -> None:
        box = self.window.performance_panel.date_filter.preset_box
        box.setCurrentText(self.rng.choice([TODAY, LAST_7_DAYS, LAST_30_DAYS, ALL_TIME]))

    def end_a_chat(self) -> None:
        """Pick a chat in progress and end it, answering the confirmation by clicking Yes."""
        panel = self.window.chat_panel
        if panel.status_box.currentText() != "In progress":
            panel.status_box.setCurrentText("In progress")
            return  # the list reloads; the next round ends one
        self._click_row(panel.table, row=0)
        if not self.window.transcript_panel.end_chat_button.isEnabled():
            return
        QTimer.singleShot(150, answer_yes)
        QTest.mouseClick(self.window.transcript_panel.end_chat_button, Qt.MouseButton.LeftButton)
        self.done["chats ended"] += 1

    def _click_row(self, table: QTableView, *, row: int | None = None, double: bool = False) -> None:
        rows = table.model().rowCount()
        if rows == 0:
            return
        index = table.model().index(self.rng.randrange(min(rows, 12)) if row is None else row, 0)
        table.scrollTo(index)
        centre = table.visualRect(index).center()
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        if double:  # a person's double-click: a click, then the double-click event (mouseDClick sends only that)
            QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def answer_yes() -> None:
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        box.button(QMessageBox.StandardButton.Yes).click()


def sample(manager: Manager, started: float) -> None:
    counts = {"none": sys.getrefcount(None), "true": sys.getrefcount(True), "false": sys.getrefcount(False)}
    say("sample", json.dumps({"seconds": round(time.monotonic() - started), **counts, "actions": manager.done}))


def main(database_url: str, config_path: str, seconds: float, *, pump: bool, seed: int) -> int:
    faulthandler.enable()
    qInstallMessageHandler(report_qt_message)
    sys.excepthook = report_exception
    threading.excepthook = lambda hook: report_exception(
        hook.exc_type, hook.exc_value or Exception(), hook.exc_traceback
    )
    app = application()
    context = open_context(database_url, config_path, os.environ)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(context, settings)  # as run_window, minus the error dialog: errors are counted instead
    window.save_layout_on_close = False
    set_aside_start_up_objects()
    window.show()
    window.start()
    manager, started = Manager(window, random.Random(seed)), time.monotonic()
    sampler = QTimer()
    sampler.timeout.connect(lambda: sample(manager, started))
    sampler.start(SAMPLE_SECONDS * 1000)
    if pump:
        pump_events(manager, started + seconds)
    else:
        actor = QTimer()
        actor.timeout.connect(manager.step)
        actor.start(ACTION_MS)
        QTimer.singleShot(int(seconds * 1000), app.quit)
        app.exec()
    sample(manager, started)
    window.close()
    context.close()
    say("done", "")
    return 0


def pump_events(manager: Manager, deadline: float) -> None:
    while time.monotonic() < deadline:
        manager.step()
        next_step = time.monotonic() + ACTION_MS / 1000
        while time.monotonic() < next_step:
            QCoreApplication.processEvents()
            time.sleep(0.005)


def run_from_arguments(arguments: Sequence[str]) -> int:
    """DATABASE_URL CONFIG_PATH SECONDS [--pump] [--seed N], as benchmarks/soak.py passes them."""
    arguments = list(arguments)
    pump_flag = "--pump" in arguments
    seed_value = int(arguments[arguments.index("--seed") + 1]) if "--seed" in arguments else 1
    return main(arguments[0], arguments[1], float(arguments[2]), pump=pump_flag, seed=seed_value)
