"""Helpers shared by the Trends tab's tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from arthur_desktop.main_window import MainWindow
from arthur_desktop.widgets.trends_panel import TrendsPanel
from window_helpers import show_tab, wait_until_idle, write_config


def config_with_target_180(folder: Path, output_folder: Path) -> Path:
    """The folder client, with a service-level target of 180 s and a goal of 80 %."""
    return write_config(
        folder,
        f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{output_folder}"\n'
        "[service_level]\ntarget_seconds = 180\ngoal_percent = 80\n",
    )


def open_trends(qtbot: QtBot, window: MainWindow) -> TrendsPanel:
    """Click the Trends tab and wait for its figures."""
    with qtbot.waitSignal(window.trends.loaded):
        show_tab(qtbot, window, window.trends)
    wait_until_idle(qtbot, window)
    return window.trends


def click_view(qtbot: QtBot, panel: TrendsPanel, title: str) -> None:
    """Click "Over time" or "Busiest times" on the tab's own tab bar."""
    bar = panel.views.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert panel.views.currentIndex() == index
