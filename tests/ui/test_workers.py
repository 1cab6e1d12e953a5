"""The worker runner: results and errors come back on the GUI thread; only the latest task per key is heard."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, QThread, Slot
from pytestqt.qtbot import QtBot

from arthur_desktop.messages import error_message
from arthur_desktop.workers import TaskRunner
from services.errors import UnknownChat
from services.locations import log_file_path


class Listener(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []
        self.errors: list[object] = []
        self.threads: list[QThread] = []

    @Slot(object)
    def take_result(self, result: object) -> None:
        self.threads.append(QThread.currentThread())
        self.results.append(result)

    @Slot(object)
    def take_error(self, error: object) -> None:
        self.threads.append(QThread.currentThread())
        self.errors.append(error)


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait_for_done()


def test_a_result_comes_back_on_the_gui_thread(qtbot: QtBot, runner: TaskRunner) -> None:
    listener = Listener()
    worker_threads: list[threading.Thread] = []

    def work() -> int:
        worker_threads.append(threading.current_thread())
        return 42

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        runner.start(work, listener.take_result, listener.take_error)

    assert listener.results == [42] and listener.errors == []
    assert listener.threads == [QThread.currentThread()]
    assert worker_threads[0] is not threading.main_thread()
    assert runner.active_count == 0


def test_an_error_comes_back_as_the_exception(qtbot: QtBot, runner: TaskRunner) -> None:
    listener = Listener()

    def work() -> None:
        raise UnknownChat(99)

    with qtbot.waitSignal(runner.task_done):
        runner.start(work, listener.take_result, listener.take_error)

    assert [str(e) for e in listener.errors] == ["There is no chat with id 99."]
    assert error_message(listener.errors[0]) == "There is no chat with id 99."


def test_a_newer_task_under_the_same_key_silences_the_older_one(qtbot: QtBot, runner: TaskRunner) -> None:
    listener = Listener()
    release = threading.Event()

    def slow() -> str:
        release.wait(5)
        return "old"

    runner.start(slow, listener.take_result, listener.take_error, key="chats")
    runner.start(lambda: "new", listener.take_result, listener.take_error, key="chats")
    qtbot.waitUntil(lambda: listener.results == ["new"])
    release.set()
    qtbot.waitUntil(lambda: runner.active_count == 0)

    assert listener.results == ["new"]
    assert not runner.is_running("chats")


def test_an_unexpected_error_reads_as_a_sentence() -> None:
    assert error_message(ValueError("bad value")) == (
        f"Unexpected error (ValueError): bad value. Details are in the log, {log_file_path()}."
    )
