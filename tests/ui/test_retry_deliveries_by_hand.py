"""Chat → Retry deliveries, reached as a person reaches it: the toolbar button, the menu by mouse or by keyboard,
and Ctrl+Shift+R; a queued transcript really reaches the client's API, and a retry that fails says why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu, QToolBar
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from arthur_desktop.main_window import MainWindow
from seed_data import SEED_DAY
from services.end_chat import close_chat_and_enqueue
from services.results import DeliveryStatus
from window_helpers import OpenWindow, activate, wait_until_idle

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def chat_menu(window: MainWindow) -> QMenu:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Chat")
    assert isinstance(menu, QMenu)
    return menu


def click_the_toolbar_button(qtbot: QtBot, window: MainWindow) -> None:
    toolbar = window.findChild(QToolBar, "mainToolBar")
    assert toolbar is not None
    button = toolbar.widgetForAction(window.window_actions.retry)
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_the_menu_entry(qtbot: QtBot, window: MainWindow) -> None:
    menu_bar, menu = window.menuBar(), chat_menu(window)
    qtbot.mouseClick(menu_bar, Qt.MouseButton.LeftButton, pos=menu_bar.actionGeometry(menu.menuAction()).center())
    qtbot.waitUntil(menu.isVisible)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(window.window_actions.retry).center())


def press_alt_c_then_r(qtbot: QtBot, window: MainWindow) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is chat_menu(window))
    qtbot.keyClick(chat_menu(window), Qt.Key.Key_R)  # the popup menu has the keyboard while it is open


def press_ctrl_shift_r(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_R, CTRL_SHIFT)


def statuses(window: MainWindow) -> list[DeliveryStatus]:
    return [record.status for record in window.deliveries_panel.model.rows]


def queue_chat_2(window: MainWindow) -> None:
    """Chat 2 ended on another desktop while the API was down: its transcript waits in the queue."""
    database, client = window.context.database, window.context.integration.client
    close_chat_and_enqueue(2, database.unit_of_work(), client, SEED_DAY + timedelta(minutes=12))  # after its start


@pytest.mark.parametrize(
    "retry",
    [click_the_toolbar_button, click_the_menu_entry, press_alt_c_then_r, press_ctrl_shift_r],
    ids=["toolbar", "menu-by-mouse", "menu-by-keyboard", "shortcut"],
)
def test_retry_deliveries_sends_a_queued_transcript_to_the_api(
    qtbot: QtBot,
    open_window: OpenWindow,
    api_config: Callable[..., Path],
    httpserver: HTTPServer,
    retry: Callable[[QtBot, MainWindow], None],
) -> None:
    window = open_window(api_config())
    queue_chat_2(window)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: statuses(window) == [DeliveryStatus.PENDING])
    httpserver.expect_oneshot_request("/transcripts", method="POST").respond_with_json({"id": 46})

    retry(qtbot, window)
    qtbot.waitUntil(lambda: statuses(window) == [DeliveryStatus.DELIVERED])

    (request, _response), *others = httpserver.log
    assert others == []
    assert request.get_json()["content"].startswith("Chat on 29 Sep 2020 09:02:")
    assert window.tabs.tabText(1) == "Deliveries"
    assert window.message_bar.messages() == []


def test_a_retry_that_fails_says_why_in_the_message_bar_until_a_retry_succeeds(
    qtbot: QtBot, open_window: OpenWindow, api_config: Callable[..., Path], httpserver: HTTPServer
) -> None:
    window = open_window(api_config())
    database = window.context.database
    queue_chat_2(window)
    with database.engine.begin() as connection:  # the queue cannot be read: the retry itself fails
        connection.execute(text("ALTER TABLE deliveries RENAME TO deliveries_elsewhere"))

    press_ctrl_shift_r(qtbot, window)
    qtbot.waitUntil(lambda: any(m.startswith("The retry failed: ") for m in window.message_bar.messages()))

    assert window.message_bar.isVisible()
    assert "no such table: deliveries" in window.message_bar.label.text()
    assert httpserver.log == []

    with database.engine.begin() as connection:
        connection.execute(text("ALTER TABLE deliveries_elsewhere RENAME TO deliveries"))
    httpserver.expect_oneshot_request("/transcripts", method="POST").respond_with_json({"id": 47})
    press_ctrl_shift_r(qtbot, window)
    qtbot.waitUntil(lambda: statuses(window) == [DeliveryStatus.DELIVERED])
    wait_until_idle(qtbot, window)

    assert window.message_bar.messages() == []
    assert not window.message_bar.isVisible()
