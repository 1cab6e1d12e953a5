"""The performance table's wait and first-reply columns, and choosing its columns from the header's context menu.

Per agent on the seed data, worked out by hand (all time): Test User 1 has chats 1 and 2, waits 300 and 120 s
(average and median 210 s = 3m 30s) and first responses 60 and 120 s (1m 30s); Test User 3 has chats 3 and 4,
waits 120 and 240 s (3m 00s) and first responses 120 and 120 s (2m 00s); Test User 2 has no chat.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QHeaderView, QMenu
from pytestqt.qtbot import QtBot

from arthur_desktop.main_window import MainWindow
from seed_data import add_user
from window_helpers import OpenWindow, displayed, wait_until_idle

NEW_COLUMNS = ["Wait avg", "Wait med", "1st reply avg", "1st reply med"]


def header_texts(window: MainWindow) -> list[str]:
    """The headers a person sees, left to right (hidden ones left out)."""
    header = window.performance_panel.table.horizontalHeader()
    model = header.model()
    visible = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in sorted(visible, key=header.visualIndex)]


def section_centre(header: QHeaderView, name: str) -> QPoint:
    model = header.model()
    column = next(c for c in range(header.count()) if model.headerData(c, Qt.Orientation.Horizontal) == name)
    return QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) // 2, header.height() // 2)


def open_header_menu(qtbot: QtBot, window: MainWindow, on: str = "Agent") -> QMenu:
    """Right-click the header. The platform turns a right-button press into a context-menu event, which Qt routes
    through the window to the widget under the cursor; QTest's widget overload sends only the mouse events, and its
    window overload, later in a session (after test_app_identity's application() has run), once handed the event to
    the menu bar instead. So the click goes to the header and the event the platform makes of it straight after."""
    assert QApplication.activePopupWidget() is None, "a menu is still open"
    viewport = window.performance_panel.table.horizontalHeader().viewport()
    where = section_centre(window.performance_panel.table.horizontalHeader(), on)
    qtbot.mouseClick(viewport, Qt.MouseButton.RightButton, pos=where)
    request = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where, viewport.mapToGlobal(where))
    QApplication.sendEvent(viewport, request)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    return menu


def choose_in_menu(qtbot: QtBot, menu: QMenu, text: str) -> None:
    """Click the entry; an entry that can be chosen closes the menu."""
    action = next(a for a in menu.actions() if a.text() == text)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    if action.isEnabled():
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)


def menu_entries(menu: QMenu) -> list[tuple[str, bool, bool]]:
    """Each entry: its text, whether it is ticked, whether it can be chosen."""
    return [(a.text(), a.isChecked(), a.isEnabled()) for a in menu.actions()]


def test_the_table_shows_each_agents_wait_and_first_reply(open_window: OpenWindow, folder_config: Path) -> None:
    window = open_window(folder_config)

    assert header_texts(window)[5:] == NEW_COLUMNS
    assert [row[:1] + row[5:] for row in displayed(window.performance_panel.model)] == [
        ["Test User 1", "3m 30s", "3m 30s", "1m 30s", "1m 30s"],
        ["Test User 2", "—", "—", "—", "—"],
        ["Test User 3", "3m 00s", "3m 00s", "2m 00s", "2m 00s"],
    ]


def test_clicking_a_new_columns_header_sorts_by_its_seconds(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    table = window.performance_panel.table
    header = table.horizontalHeader()

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=section_centre(header, "1st reply avg"))

    assert [table.proxy.index(row, 0).data() for row in range(3)] == ["Test User 1", "Test User 3", "Test User 2"]


def test_the_new_columns_are_as_wide_as_a_long_duration_and_do_not_measure_every_row(
    open_window: OpenWindow, folder_config: Path
) -> None:
    table = open_window(folder_config).performance_panel.table
    header = table.horizontalHeader()

    for column in range(5, 9):
        assert header.sectionResizeMode(column) == QHeaderView.ResizeMode.Interactive
        assert header.sectionSize(column) > table.fontMetrics().horizontalAdvance("23h 59m 59s")


def test_a_column_hidden_from_the_headers_menu_stays_hidden_after_reopening_the_window(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)

    menu = open_header_menu(qtbot, window, on="Median")
    assert menu_entries(menu)[:2] == [("Agent", True, False), ("Handled", True, True)]
    assert [text for text, _ticked, _enabled in menu_entries(menu)][5:] == NEW_COLUMNS
    choose_in_menu(qtbot, menu, "Wait med")

    assert "Wait med" not in header_texts(window)
    window.close()
    reopened = open_window(folder_config)
    reopened.restore_layout()

    assert header_texts(reopened) == [
        "Agent",
        "Handled",
        "In progress",
        "Average",
        "Median",
        "Wait avg",
        "1st reply avg",
        "1st reply med",
    ]
    menu = open_header_menu(qtbot, reopened)
    assert ("Wait med", False, True) in menu_entries(menu)
    choose_in_menu(qtbot, menu, "Wait med")
    qtbot.waitUntil(lambda: "Wait med" in header_texts(reopened))


def test_the_agent_column_stays_whatever_is_chosen_or_saved(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, window_settings: QSettings
) -> None:
    window_settings.setValue("performance/hidden-columns", ["Agent", "Handled", "No such column"])
    window = open_window(folder_config)
    window.restore_layout()
    assert header_texts(window)[:2] == ["Agent", "In progress"]

    menu = open_header_menu(qtbot, window)
    choose_in_menu(qtbot, menu, "Agent")  # disabled: the click does nothing, and the menu stays open
    QApplication.processEvents()

    assert header_texts(window)[0] == "Agent"
    assert QApplication.activePopupWidget() is menu
    qtbot.keyClick(menu, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)


def test_hidden_columns_stay_hidden_when_the_agents_change(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path
) -> None:
    window = open_window(folder_config)
    choose_in_menu(qtbot, open_header_menu(qtbot, window), "Wait avg")
    add_user(window.context.database, "Test User 4")  # another program: a new row, so the model resets

    qtbot.keyClick(window, Qt.Key.Key_F5)
    wait_until_idle(qtbot, window)

    assert window.performance_panel.model.rowCount() == 4
    assert "Wait avg" not in header_texts(window)


def test_each_header_says_what_it_counts_and_how_to_choose_columns(
    open_window: OpenWindow, folder_config: Path
) -> None:
    model = open_window(folder_config).performance_panel.model

    tips = {
        model.headerData(c, Qt.Orientation.Horizontal): model.headerData(
            c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
        )
        for c in range(model.columnCount())
    }

    assert "chats created in the period" in tips["Wait med"]
    assert "chats ended in the period" in tips["Average"]
    assert all(tip.endswith("Right-click a column header to choose the columns.") for tip in tips.values())
