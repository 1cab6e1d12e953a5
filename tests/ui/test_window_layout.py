"""The window's parts as a person and an accessibility tool find them: tab titles, named widgets."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel, QSplitter, QWidget
from pytestqt.qtbot import QtBot

from services.local_time import display_zone, zone_name
from window_helpers import OpenWindow, wait_until_idle


def test_the_tabs_are_chats_deliveries_handling_time_and_trends(open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)

    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Chats",
        "Deliveries",
        "Handling time",
        "Trends",
    ]


def test_the_transcript_caption_is_named_for_tests_and_accessibility_tools(
    open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)

    assert window.findChild(QLabel, "transcriptCaption") is window.transcript_panel.caption


def test_the_status_bar_names_the_configured_client(
    open_window: OpenWindow, folder_config: Path, output_folder: Path
) -> None:
    window = open_window(folder_config)

    label = window.findChild(QLabel, "statusClient")
    assert label is not None
    assert (
        label.text()
        == f"Client: Absolutely Class Airlines folder · {output_folder} · times: {zone_name(display_zone())}"
    )


def test_the_date_range_says_which_edit_is_the_first_and_which_the_last_day(
    open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    dates = window.performance_panel.date_filter

    assert (dates.from_edit.accessibleName(), dates.to_edit.accessibleName()) == ("First day", "Last day")


def test_the_status_bar_says_working_while_work_runs_without_moving_its_other_parts(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    wait_until_idle(qtbot, window)
    status = window.status
    layout_requests: list[int] = []
    watcher = EventCounter(QEvent.Type.LayoutRequest, layout_requests)
    status.installEventFilter(watcher)
    places = [label.geometry() for label in (status.updated_label, status.database_label, status.client_label)]
    seen: list[str] = []
    window.runner.busy_changed.connect(lambda _busy: seen.append(status.busy.text()))

    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: seen[-2:] == ["Working…", ""], timeout=5000)
    qtbot.wait(50)  # a layout request is handled in a later turn of the event loop

    assert status.busy.text() == "" and status.updated_label.text().startswith("Updated ")
    assert [label.geometry() for label in (status.updated_label, status.database_label, status.client_label)] == places
    assert layout_requests == []  # neither the busy words nor the time re-laid the status bar out


class EventCounter(QObject):
    def __init__(self, kind: QEvent.Type, seen: list[int]) -> None:
        super().__init__()
        self._kind, self._seen = kind, seen

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == self._kind:
            self._seen.append(1)
        return False


def has_width(widget: QWidget, width: int) -> bool:
    return widget.width() == width


def drag_handle(qtbot: QtBot, splitter: QSplitter, by: int) -> None:
    """Press on the splitter's handle, move the mouse with the button held, release: as a person drags it."""
    handle = splitter.handle(1)
    start = handle.rect().center()
    end = start + QPoint(by, 0)
    qtbot.mousePress(handle, Qt.MouseButton.LeftButton, pos=start)
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(end),
        QPointF(handle.mapToGlobal(end)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(handle, move)
    qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=end)


def test_a_wide_window_gives_its_extra_room_to_the_figures_until_a_person_drags_the_transcript_handle(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    transcript = window.transcript_panel

    for width, transcript_width in ((1920, 600), (1024, 360), (1400, 482)):
        window.resize(width, 800)
        qtbot.waitUntil(partial(has_width, transcript, transcript_width))  # 35 % of the splitter, 360 to 600 px

    splitter = window.splitters["main"]
    drag_handle(qtbot, splitter, -100)
    assert transcript.width() == 582
    dragged = splitter.sizes()
    window.resize(1920, 800)
    qtbot.waitUntil(lambda: window.width() == 1920)
    wait_until_idle(qtbot, window)
    left, right = splitter.sizes()
    assert abs(right - 582 * (left + right) / sum(dragged)) <= 1  # the person's proportions, not 600 px
