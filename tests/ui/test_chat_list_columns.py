"""The chat list's columns share its width by what matters: customer and agent names first, then the rest; a
name too long for its column is elided, with the whole name in its tooltip."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from arthur_desktop.main_window import MainWindow
from arthur_desktop.widgets.column_widths import share_widths
from seed_data import add_recent_chat
from window_helpers import OpenWindow, wait_until_idle

CUSTOMER, AGENT = 1, 2
LONG_NAME = "Maximilian Oberhauser-Lindqvist"


def shown_widths(window: MainWindow) -> dict[int, int]:
    table = window.chat_panel.table
    return {c: table.columnWidth(c) for c in range(table.model().columnCount()) if not table.isColumnHidden(c)}


def texts_that_do_not_fit(window: MainWindow) -> list[str]:
    """The cells Qt would cut short: their size hint (text, icon, the style sheet's padding, the style's margins)
    wider than their column."""
    table = window.chat_panel.table
    model = table.model()
    return [
        str(model.index(row, column).data())
        for row in range(model.rowCount())
        for column, width in shown_widths(window).items()
        if table.sizeHintForIndex(model.index(row, column)).width() > width
    ]


def resize(qtbot: QtBot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    wait_until_idle(qtbot, window)


def test_at_1024_by_640_the_names_are_readable_and_the_columns_fill_the_list(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, app_style: None
) -> None:
    window = open_window(folder_config)
    long_named = add_recent_chat(window.context.database, LONG_NAME, waited=10)
    with qtbot.waitSignal(window.chat_panel.loaded):
        window.refresh()

    resize(qtbot, window, 1024, 640)

    widths = shown_widths(window)
    table = window.chat_panel.table
    assert sum(widths.values()) == table.viewport().width()  # no gap, no sideways scrolling
    assert texts_that_do_not_fit(window) == [LONG_NAME]  # only the long name is elided ...
    row = window.chat_panel.model.row_for_key(long_named)
    assert row is not None
    assert window.chat_panel.model.index(row, CUSTOMER).data(Qt.ItemDataRole.ToolTipRole) == LONG_NAME  # ... whole


def test_at_1920_by_1080_every_text_fits_and_the_names_take_the_extra_room(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, app_style: None
) -> None:
    window = open_window(folder_config)
    add_recent_chat(window.context.database, LONG_NAME, waited=10)
    with qtbot.waitSignal(window.chat_panel.loaded):
        window.refresh()

    resize(qtbot, window, 1920, 1080)

    widths = shown_widths(window)
    assert texts_that_do_not_fit(window) == []
    assert sum(widths.values()) == window.chat_panel.table.viewport().width()
    assert min(widths[CUSTOMER], widths[AGENT]) > max(w for c, w in widths.items() if c not in (CUSTOMER, AGENT))


def test_share_widths_gives_the_names_what_they_want_first_then_the_rest_then_the_names_the_remainder() -> None:
    wanted, least = {1: 120, 2: 100, 4: 120}, {1: 60, 2: 60, 4: 60}

    assert share_widths(180, wanted, least, (1, 2)) == least  # only the least: each gets it
    assert share_widths(240, wanted, least, (1, 2)) == {1: 96, 2: 84, 4: 60}  # names first, by what they lack
    assert share_widths(280, wanted, least, (1, 2)) == {1: 120, 2: 100, 4: 60}
    assert share_widths(310, wanted, least, (1, 2)) == {1: 120, 2: 100, 4: 90}  # then the others
    assert share_widths(400, wanted, least, (1, 2)) == {1: 150, 2: 130, 4: 120}  # the rest to the names
    assert share_widths(100, wanted, least, (1, 2)) == least  # less than the least: the least, scrolling
