"""The window's actions, in its menus (which show their shortcuts) and on its toolbar, and the moves between
its pages. Every action is in a menu, so the keyboard reaches all of them (Alt+F, Alt+V, Alt+C, Alt+H); the
frequent ones have shortcuts too. The main window connects the rest to its parts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QLineEdit,
    QMainWindow,
    QMenuBar,
    QMessageBox,
    QStyle,
    QTabWidget,
    QToolBar,
    QWidget,
)

from arthur_desktop.icons import icon
from services.locations import log_file_path

ABOUT = (
    "Arthur Desktop shows contact-centre managers how each agent performs, the chats and their "
    "transcripts, and ends a chat with one click.\n\nEvery action and its shortcut is in the menus."
)


class WindowActions(QObject):
    def __init__(self, window: QMainWindow, about_text: Callable[[], str]) -> None:
        super().__init__(window)
        self._window = window
        self._about_text = about_text
        self._tabs: QTabWidget | None = None

        def action(
            text: str, shortcut: str | None = None, tip: str | None = None, glyph: QIcon | None = None
        ) -> QAction:
            made = QAction(text, window) if glyph is None else QAction(glyph, text, window)
            if shortcut:
                made.setShortcut(QKeySequence(shortcut))
            if tip:
                made.setStatusTip(tip)
                made.setToolTip(tip if not shortcut else f"{tip} ({made.shortcut().toString()})")
            return made

        self.export_performance = action("Export &performance…", "Ctrl+E", "Write the performance table to a CSV file")
        self.export_chats = action(
            "Export &chats…", "Ctrl+Shift+E", "Write every chat that matches the chat list's filters to a CSV file"
        )
        self.export_trend = action("Export &trend…", None, "Write the trend of the Trends tab to a CSV file")
        self.export_busiest_times = action(
            "Export &busiest times…", None, "Write the busiest weekdays and hours of the Trends tab to a CSV file"
        )
        self.quit = action("&Quit", "Ctrl+Q", "Close Arthur Desktop")
        self.show_performance = action("Agent &performance", "Ctrl+1", "Go to the performance table")
        self.show_chats = action("&Chats", "Ctrl+2", "Go to the chat list")
        self.show_deliveries = action("&Deliveries", "Ctrl+3", "Go to the transcript deliveries")
        self.show_chart = action("&Handling time", "Ctrl+4", "Go to the handling-time chart")
        self.show_trends = action("&Trends", "Ctrl+5", "Go to the trends and the busiest times")
        refresh_icon = icon("refresh", QStyle.StandardPixmap.SP_BrowserReload)
        self.refresh = action("&Refresh", None, "Reload every table", refresh_icon)
        self.refresh.setShortcuts(refresh_shortcuts())
        self.refresh.setToolTip("Reload every table (F5)")
        self.find = action("&Find chat", "Ctrl+F", "Search the chat list by customer or agent")
        self.show_agent_chats = action("Show the selected &agent's chats", None, "Also: double-click or Enter")
        self.show_all_agents = action("Show e&very agent's chats", None, "Remove the agent filter from the chat list")
        self.end_chat = action("&End chat…", "Ctrl+Shift+X", "End the selected chat and send its transcript")
        self.end_chat.setEnabled(False)
        retry_icon = icon("send", QStyle.StandardPixmap.SP_ArrowForward)
        self.retry = action(
            "&Retry deliveries", "Ctrl+Shift+R", "Send every pending or failed transcript again", retry_icon
        )
        self.open_log_folder = action("Open &log folder", None, "Show the folder of Arthur Desktop's log file")
        self.about = action("&About Arthur Desktop", None, "What Arthur Desktop is for")
        self.quit.triggered.connect(window.close)
        self.open_log_folder.triggered.connect(self.show_log_folder)
        self.about.triggered.connect(self.show_about)

    def connect_pages(self, tabs: QTabWidget, pages: Sequence[tuple[QAction, QWidget, QWidget]]) -> None:
        """Each action brings its page forward (a tab of tabs, or a widget outside them) and focuses a widget."""
        self._tabs = tabs
        for action, page, focus in pages:
            action.triggered.connect(partial(self.bring_forward, page, focus))

    def bring_forward(self, page: QWidget, focus: QWidget) -> None:
        if self._tabs is not None and self._tabs.indexOf(page) >= 0:
            self._tabs.setCurrentWidget(page)
        focus.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if isinstance(focus, QLineEdit):  # focusing selects its text, but not when it already had the focus
            focus.selectAll()

    @Slot(bool)
    def set_exporting(self, busy: bool) -> None:
        for export in (self.export_performance, self.export_chats, self.export_trend, self.export_busiest_times):
            export.setEnabled(not busy)

    @Slot()
    def show_log_folder(self) -> None:
        """The system's file manager on the log folder (made now if nothing was logged yet)."""
        folder = log_file_path().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            QMessageBox.warning(self._window, "Open log folder", f"Cannot create {folder}: {exc.strerror}.")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            QMessageBox.information(self._window, "Open log folder", f"The log is in {folder}.")

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self._window, "About Arthur Desktop", self._about_text())

    def build_menus(self, menu_bar: QMenuBar) -> None:
        file_menu = menu_bar.addMenu("&File")
        file_menu.addActions([self.export_performance, self.export_chats, self.export_trend, self.export_busiest_times])
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        view_menu = menu_bar.addMenu("&View")
        view_menu.addActions(
            [self.show_performance, self.show_chats, self.show_deliveries, self.show_chart, self.show_trends]
        )
        view_menu.addSeparator()
        view_menu.addActions([self.refresh, self.find])
        chat_menu = menu_bar.addMenu("&Chat")
        chat_menu.addActions([self.show_agent_chats, self.show_all_agents])
        chat_menu.addSeparator()
        chat_menu.addActions([self.end_chat, self.retry])
        help_menu = menu_bar.addMenu("&Help")
        help_menu.addActions([self.open_log_folder, self.about])

    def build_toolbar(self, window: QMainWindow) -> QToolBar:
        toolbar = window.addToolBar("Main")
        toolbar.setObjectName("mainToolBar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.refresh)
        toolbar.addAction(self.retry)
        return toolbar


def refresh_shortcuts() -> list[QKeySequence]:
    """F5 everywhere, plus the platform's own Refresh key where that is something else (Ctrl+R on macOS)."""
    shortcuts = [QKeySequence(Qt.Key.Key_F5)]
    shortcuts += [key for key in QKeySequence.keyBindings(QKeySequence.StandardKey.Refresh) if key not in shortcuts]
    return shortcuts
