"""What a person does in the window, each as real input (QTest clicks and keys, wheel events) on the real MainWindow.

An action is a small function `start(window, run) -> done`: it gives the input and returns `done()`, which the probe
asks at every tick until the work the input started has ended (its panels loaded, no worker running). `prepare`
puts the window in the state the action needs, unmeasured. To measure another action, write its function and add
an `Action` to ACTIONS. The summary strip loads with every refresh (F5, the automatic refresh, the date-range change).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer, SignalInstance
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QTableView

from arthur_desktop.main_window import MainWindow

Done = Callable[[], bool]


@dataclass(frozen=True)
class Settings:
    scroll_rows: int  # how far "scroll to row N" goes, and how many rows are loaded for the refresh actions


@dataclass(frozen=True)
class Action:
    name: str
    start: Callable[[MainWindow, int, Settings], Done]  # (window, which run, settings) -> done()
    runs: int = 3
    prepare: Callable[[MainWindow, Settings], Done] | None = None


def fired(signal: SignalInstance) -> Done:
    """True once the signal has been emitted after this call."""
    seen: list[object] = []
    signal.connect(lambda *args: seen.append(args))
    return lambda: bool(seen)


def idle(window: MainWindow, *waits: Done) -> Done:
    return lambda: all(wait() for wait in waits) and window.runner.active_count == 0


def click_row(table: QTableView, row: int, *, double: bool = False) -> None:
    index = table.model().index(min(row, table.model().rowCount() - 1), 0)
    table.scrollTo(index)
    centre = table.visualRect(index).center()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    if double:  # a real double-click is a click, then the double-click event (mouseDClick sends only the latter)
        QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)


def wheel_down(table: QTableView, notches: int) -> None:
    viewport = table.viewport()
    centre = QPointF(viewport.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(viewport.mapToGlobal(centre)),
        QPoint(0, 0),
        QPoint(0, -120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


def drill_down(window: MainWindow, run: int, _settings: Settings) -> Done:
    loaded = fired(window.chat_panel.loaded)
    click_row(window.performance_panel.table, 2 * run, double=True)
    return idle(window, loaded)


def select_chat(window: MainWindow, run: int, _settings: Settings) -> Done:
    click_row(window.chat_panel.table, 3 + run)
    return idle(window)


def type_search(window: MainWindow, run: int, _settings: Settings) -> Done:
    box = window.chat_panel.search_box
    loaded = fired(window.chat_panel.loaded)
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(box, ("murphy", "ann", "agent 1")[run % 3])
    return idle(window, loaded)


def change_date_range(window: MainWindow, run: int, _settings: Settings) -> Done:
    """All time -> Last 30 days -> All time ..., by the arrow keys on the period box."""
    panel, box = window.performance_panel, window.performance_panel.date_filter.preset_box
    loaded = fired(panel.loaded)  # the chart reloads when its tab is next shown
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Up if run % 2 == 0 else Qt.Key.Key_Down)
    return idle(window, loaded)


def show_in_progress(window: MainWindow, _settings: Settings) -> Done:
    panel = window.chat_panel
    loaded = fired(panel.loaded)
    panel.clear_agent()
    panel.search_box.clear()
    panel.status_box.setCurrentText("In progress")
    panel.refresh()  # also when nothing above changed
    return idle(window, loaded)


def end_chat(window: MainWindow, _run: int, _settings: Settings) -> Done:
    """Click End chat on the first chat in progress, answer Yes; done when the result is shown and reloaded."""
    click_row(window.chat_panel.table, 0)
    panel = window.transcript_panel
    waits = fired(panel.chat_ended), fired(panel.end_refused)
    QTimer.singleShot(100, answer_yes)
    QTest.mouseClick(panel.end_chat_button, Qt.MouseButton.LeftButton)
    return idle(window, lambda: waits[0]() or waits[1]())


def answer_yes(tries: int = 100) -> None:
    """Click Yes on the confirmation, as soon as it shows (a loaded machine may take a while to show it)."""
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        box.button(QMessageBox.StandardButton.Yes).click()
    elif tries > 0:
        QTimer.singleShot(50, lambda: answer_yes(tries - 1))


def show_every_chat(window: MainWindow, _settings: Settings) -> Done:
    panel = window.chat_panel
    loaded = fired(panel.loaded)
    panel.clear_agent()
    panel.search_box.clear()
    panel.status_box.setCurrentText("All statuses")
    panel.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the list's own order, newest first, whatever came
    panel.refresh()  # also when nothing above changed (sorted by ID, the 100,000 oldest chats are all ended)
    return idle(window, loaded)


def scroll_to_row(window: MainWindow, _run: int, settings: Settings) -> Done:
    """The mouse wheel, turned 30 rows a tick, through the list until row N is on screen; pages load on the way."""
    table, target = window.chat_panel.table, settings.scroll_rows

    def done() -> bool:
        bottom = table.rowAt(table.viewport().height() - 1)
        if table.model().rowCount() >= target and (bottom < 0 or bottom >= target - 1):
            return window.runner.active_count == 0
        wheel_down(table, 10)
        return False

    return done


def rows_loaded(window: MainWindow, settings: Settings) -> Done:
    """Unmeasured: every chat shown (an action before may have chosen a status) and scrolled until scroll_rows
    rows are loaded (the scroll action did it already when it ran)."""
    if window.chat_panel.model.rowCount() >= settings.scroll_rows:
        return scroll_to_row(window, 0, settings)
    return in_turn(lambda: show_every_chat(window, settings), lambda: scroll_to_row(window, 0, settings))


def press_f5(window: MainWindow, _run: int, _settings: Settings) -> Done:
    """F5 once the window is active (after a dialog, offscreen activation comes an event later)."""
    waits = [fired(panel.loaded) for panel in (window.performance_panel, window.chat_panel, window.deliveries_panel)]
    pressed: list[bool] = []
    window.activateWindow()

    def done() -> bool:
        if not pressed:
            if QApplication.activeWindow() is window:
                QTest.keyClick(window, Qt.Key.Key_F5)
                pressed.append(True)
            return False
        return idle(window, *waits)()

    return done


def automatic_refresh(window: MainWindow, _run: int, _settings: Settings) -> Done:
    """The refresh timer going off once, as it does every refresh_seconds."""
    waits = [fired(panel.loaded) for panel in (window.performance_panel, window.chat_panel, window.deliveries_panel)]
    timer = window.refresh_timer
    went_off = fired(timer.timeout)
    timer.setSingleShot(True)  # once: started for 1 ms and stopped at the next tick, it went off up to 5 times
    timer.start(1)

    def done() -> bool:
        if went_off():
            timer.setSingleShot(False)
        return idle(window, went_off, *waits)()

    return done


def in_turn(*steps: Callable[[], Done]) -> Done:
    """Each step started once the one before is done: an action that goes somewhere and back."""
    pending = list(steps)
    current: list[Done] = [pending.pop(0)()]

    def done() -> bool:
        if not current[0]():
            return False
        if not pending:
            return True
        current[0] = pending.pop(0)()
        return False

    return done


def choose_status(window: MainWindow, key: Qt.Key) -> Done:
    box = window.chat_panel.status_box
    loaded = fired(window.chat_panel.loaded)
    box.setFocus()
    QTest.keyClick(box, key)
    return idle(window, loaded)


def show_waiting(window: MainWindow, _run: int, _settings: Settings) -> Done:
    """The queue: "Waiting" chosen in the status box by its first letter, then "All statuses" (Home) again."""
    return in_turn(lambda: choose_status(window, Qt.Key.Key_W), lambda: choose_status(window, Qt.Key.Key_Home))


def click_header(window: MainWindow, section: int) -> Done:
    header = window.chat_panel.table.horizontalHeader()
    loaded = fired(window.chat_panel.loaded)
    point = QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) // 2, header.height() // 2)
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    return idle(window, loaded)


def sort_by_handling(window: MainWindow, _run: int, _settings: Settings) -> Done:
    """A click on the Handling header (the list read again in that order over every chat), then twice on ID
    (ascending, then descending: newest first again)."""
    return in_turn(*(lambda section=section: click_header(window, section) for section in (5, 0, 0)))


def click_tab(window: MainWindow, tab: int, loaded: Done) -> Done:
    bar = window.tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, bar.tabRect(tab).center())
    return idle(window, loaded)


def show_trends(window: MainWindow, _run: int, _settings: Settings) -> Done:
    """A click on the Trends tab (it loads when shown), then on Chats again."""
    trends = window.tabs.indexOf(window.trends)  # shown, it loads unless what it shows is still current
    return in_turn(lambda: click_tab(window, trends, lambda: True), lambda: click_tab(window, 0, lambda: True))


def end_several_chats(window: MainWindow, _run: int, _settings: Settings) -> Done:
    """Three chats in progress picked with Ctrl-clicks, End chats, one confirmation answered Yes."""
    table = window.chat_panel.table
    click_row(table, 0)
    for row in (1, 2):
        centre = table.visualRect(table.model().index(row, 0)).center()
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, centre)
    ended = fired(window.transcript_panel.chats_ended)
    QTimer.singleShot(100, answer_yes)
    QTest.mouseClick(window.transcript_panel.end_chat_button, Qt.MouseButton.LeftButton)
    return idle(window, ended)


ACTIONS: tuple[Action, ...] = (
    Action("drill-down (double-click an agent)", drill_down),
    Action("select a chat (click)", select_chat),
    Action("search typed", type_search),
    Action("date-range change (arrow key)", change_date_range),
    Action("End chat, click to result", end_chat, prepare=show_in_progress),
    Action("End 3 chats (Ctrl-clicks), click to every outcome", end_several_chats, prepare=show_in_progress),
    Action("queue: the Waiting view, and back", show_waiting, prepare=show_every_chat),
    Action("sort by header clicks (Handling, ID, ID)", sort_by_handling),
    Action("trends tab: click, and back", show_trends),
    Action("scroll to row N (mouse wheel)", scroll_to_row, runs=1, prepare=show_every_chat),
    Action("F5 with N rows loaded", press_f5, prepare=rows_loaded),
    Action("automatic refresh with N rows loaded", automatic_refresh, prepare=rows_loaded),
)
