"""The chat list: filter by status and agent, search customer and agent, sorted by the database (newest first
until a header is clicked), paged as it scrolls, refreshed by difference. The "Waiting" view is the queue:
longest waiting first, how long each has waited ticking each second."""

from __future__ import annotations

import logging
from collections.abc import Collection

from PySide6.QtCore import QSettings, QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLineEdit, QToolButton, QVBoxLayout, QWidget

from arthur_desktop.messages import error_message
from arthur_desktop.models.chat_model import WAITED_COLUMN, ChatModel, PreparedChanges
from arthur_desktop.models.record_model import Prepared
from arthur_desktop.widgets.column_widths import SharedColumnWidths
from arthur_desktop.widgets.panel_header import panel_header
from arthur_desktop.widgets.record_table import RecordTable
from arthur_desktop.workers import TaskRunner
from services.chat_changes import chat_changes, chats_by_id, newest_chat_id
from services.chats import DEFAULT_PAGE_SIZE, list_chats
from services.clock import utc_now
from services.floor_config import FloorSettings
from services.results import ChatChanges, ChatCursor, ChatFilter, ChatPage, ChatSort, ChatStatus, ChatSummary
from services.storage.database import Database

log = logging.getLogger(__name__)

_SEARCH_DELAY_MS = 300
_ALL_STATUSES = "All statuses"
_TICK_MS = 1000
HANDLING_COLUMN = 5
# What each column would like, and the least it can do with (a column narrower than its sample elides its text).
_WANTED = {0: "00000", 1: "Customer name", 2: "Test User 10", 3: "⚠⚠ In progress", 4: "0000-00-00 00:00"}
_WANTED |= {5: "00d 00h 00m", 6: "0000d 00h 00m"}
_LEAST = {0: "0000", 1: "Jacint…", 2: "Test U…", 3: "⚠⚠ Wait…", 4: "00-00 0…", 5: "00m…", 6: "00m…"}

_Query = tuple[ChatFilter, ChatSort | None]


class ChatPanel(QWidget):
    chat_selected = Signal(object)  # the selected ChatSummary (again when its data changes), or None
    chats_selected = Signal(tuple)  # every selected ChatSummary, in the list's order (again when data changes)
    SOURCE = "chats"
    loaded = Signal(str)  # SOURCE
    load_failed = Signal(str, str)  # SOURCE, the message

    def __init__(
        self,
        database: Database,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        floor: FloorSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._runner = runner
        self._page_size = page_size
        self.model = ChatModel(self, floor=floor)
        self.status_box = self._status_box()
        self.search_box = self._search_box()
        self.agent_chip = self._agent_chip()
        self._agent: tuple[int, str] | None = None
        self._shown: _Query | None = None  # the filter and order of the rows in the model
        self._newest: int | None = None  # the highest chat id when they were read: chats above it are new
        self.table = RecordTable(self.model, "chatList", self)
        self.widths = SharedColumnWidths(self.table, "chats/column-widths", _WANTED, _LEAST, names_first=(1, 2))
        self.table.setAccessibleName("Chats")
        self._configure_table()
        self._search_timer = QTimer(self, singleShot=True, interval=_SEARCH_DELAY_MS)
        self.clock = QTimer(self, interval=_TICK_MS)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(panel_header(None, self.agent_chip, self.status_box, self.search_box))
        layout.addWidget(self.table)
        self._connect_signals()
        self.clock.start()

    def chat_filter(self) -> ChatFilter:
        status = self.status_box.currentData()  # Qt hands an enum stored as item data back as its str value
        return ChatFilter(
            status=None if status is None else ChatStatus(status),
            user_id=None if self._agent is None else self._agent[0],
            search=self.search_box.text().strip() or None,
        )

    @property
    def agent(self) -> tuple[int, str] | None:
        """The agent the list is limited to (user id, name), or None for every agent."""
        return self._agent

    def show_agent(self, user_id: int, name: str) -> None:
        """Drill down: this agent's chats only, under a removable chip; the search is cleared, the status kept."""
        self._agent = (user_id, name)
        self.agent_chip.setText(f"Agent: {name}  ✕")
        self.agent_chip.setAccessibleName(f"Agent filter: {name}. Press to show every agent's chats")
        self.agent_chip.setVisible(True)
        with QSignalBlocker(self.search_box):
            self.search_box.clear()
        self.refresh()

    @Slot()
    def clear_agent(self) -> None:
        if self._agent is None:
            return
        self._agent = None
        self.agent_chip.setVisible(False)
        self.refresh()

    def selected_chat(self) -> ChatSummary | None:
        chat = self.table.current_record()
        return chat if isinstance(chat, ChatSummary) else None

    def selected_chats(self) -> tuple[ChatSummary, ...]:
        return tuple(chat for chat in self.table.selected_records() if isinstance(chat, ChatSummary))

    @Slot()
    def tick(self) -> None:
        """Move the model's clock on; only the rows in view repaint."""
        self.model.set_now(utc_now(), self._visible_rows())

    def select_chat(self, chat_id: int) -> bool:
        return self.table.select_key(chat_id)

    @Slot()
    def refresh(self) -> None:
        """Show what changed: by difference when the list shown is of the same filter and order (the rows
        loaded stay, so paging, selection and scroll go on), else read the list again from the top."""
        self._refresh_by_difference(None)

    def refresh_changed(self, chat_ids: Collection[int]) -> None:
        """Notices named these chats: those of them the list holds open are read again (services.chat_changes.
        chats_by_id), not every open chat compared nor new chats looked for: the automatic refresh does that, for
        what other programs change without a notice."""
        self._refresh_by_difference(chat_ids)

    def _refresh_by_difference(self, only: Collection[int] | None) -> None:
        query = (self.chat_filter(), self.model.chat_sort)
        if query != self._shown:
            self._reload(query, self._page_size)
            return
        shown = self.model.open_chats()
        if only is not None:  # an ended chat does not change: those of the named chats that are open
            shown = {chat_id: shown[chat_id] for chat_id in only if chat_id in shown}
            if not shown:
                return
        database, newest, limit, model = self._database, self._newest, self._page_size, self.model

        def read_changes() -> tuple[ChatChanges, PreparedChanges]:
            if only is not None:
                changes = chats_by_id(database.unit_of_work(), *query, shown.keys())
            else:
                known = model.states(shown)
                changes = chat_changes(database.unit_of_work(), *query, newer_than=newest, known=known, limit=limit)
            return changes, model.prepare_changes(changes, shown)  # the cells worked out here, not on the GUI thread

        self._runner.start(
            read_changes,
            lambda read: self._apply_changes(query, *read),
            self._show_failure,
            key=self.SOURCE,
        )

    def save_settings(self, settings: QSettings) -> None:
        self.widths.save(settings)

    def restore_settings(self, settings: QSettings) -> None:
        self.widths.restore(settings)

    def _status_box(self) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName("chatStatusFilter")
        box.setAccessibleName("Chat status")
        box.addItem(_ALL_STATUSES, None)
        for status in ChatStatus:
            box.addItem(status.label, status.value)
        return box

    def _search_box(self) -> QLineEdit:
        box = QLineEdit(self)
        box.setObjectName("chatSearch")
        box.setAccessibleName("Search chats by customer or agent")
        box.setPlaceholderText("Search customer or agent")
        box.setClearButtonEnabled(True)
        box.setMinimumWidth(200)
        return box

    def _agent_chip(self) -> QToolButton:
        chip = QToolButton(self)
        chip.setObjectName("agentFilterChip")
        chip.setToolTip("Show every agent's chats")
        chip.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        chip.setVisible(False)
        return chip

    def _configure_table(self) -> None:
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's order: newest first
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setStretchLastSection(False)
        self._show_columns_for_status()

    def _show_columns_for_status(self) -> None:
        """The queue shows how long each chat has waited; the other views how long each was handled."""
        waiting = self.status_box.currentData() == ChatStatus.WAITING.value
        with self.widths.not_by_hand():  # hiding a column resizes it, but not by hand
            self.table.setColumnHidden(WAITED_COLUMN, not waiting)
            self.table.setColumnHidden(HANDLING_COLUMN, waiting)
        self.widths.share()

    def _visible_rows(self) -> list[int]:
        """The model rows of the rows in view (none while the list is hidden)."""
        if not self.table.isVisible():
            return []
        first = self.table.rowAt(0)
        if first < 0:
            return []
        last = self.table.rowAt(self.table.viewport().height() - 1)
        last = self.table.proxy.rowCount() - 1 if last < 0 else last
        proxy = self.table.proxy
        return [proxy.mapToSource(proxy.index(row, 0)).row() for row in range(first, last + 1)]

    def _connect_signals(self) -> None:
        self.status_box.currentIndexChanged.connect(self.refresh)
        self.status_box.currentIndexChanged.connect(self._show_columns_for_status)
        self.clock.timeout.connect(self.tick)
        self.search_box.textChanged.connect(self._search_timer.start)
        self.search_box.returnPressed.connect(self.refresh)
        self.agent_chip.clicked.connect(self.clear_agent)
        self._search_timer.timeout.connect(self.refresh)
        self.model.more_wanted.connect(self._load_more)
        self.model.sort_wanted.connect(self.refresh)
        self.table.current_record_changed.connect(self.chat_selected)
        self.table.selected_records_changed.connect(self._announce_selection)

    @Slot(tuple)
    def _announce_selection(self, records: tuple[object, ...]) -> None:
        self.chats_selected.emit(tuple(chat for chat in records if isinstance(chat, ChatSummary)))

    def _reload(self, query: _Query, limit: int) -> None:
        database, (chat_filter, sort) = self._database, query

        model = self.model

        def load() -> tuple[int | None, ChatPage, list[Prepared[ChatSummary]]]:
            newest = newest_chat_id(database.unit_of_work())  # first: a chat added meanwhile is new next time
            page = list_chats(database.unit_of_work(), chat_filter, limit=limit, sort=sort)
            return newest, page, model.prepare(page.chats)

        self._runner.start(
            load,
            lambda loaded: self._show_page(query, *loaded),
            self._show_failure,
            key=self.SOURCE,
        )

    @Slot(object)
    def _load_more(self, cursor: ChatCursor) -> None:
        query, database, limit, model = self._shown, self._database, self._page_size, self.model
        if query is None:
            self.model.fetch_failed()
            return
        chat_filter = query[0]

        def load() -> tuple[ChatPage, list[Prepared[ChatSummary]]]:
            page = list_chats(database.unit_of_work(), chat_filter, limit=limit, after=cursor, sort=cursor.sort)
            return page, model.prepare(page.chats)

        self._runner.start(
            load,
            lambda loaded: self._append_page(query, *loaded),
            self._show_more_failure,
            key=f"{self.SOURCE}-more",
        )

    def _show_page(
        self, query: _Query, newest: int | None, page: ChatPage, prepared: list[Prepared[ChatSummary]]
    ) -> None:
        self._runner.cancel(f"{self.SOURCE}-more")  # a page after the old first page no longer fits
        self._shown, self._newest = query, newest
        self.model.set_now(utc_now())  # the times just read and the clock agree
        self.model.set_page(page, prepared)
        self.loaded.emit(self.SOURCE)

    def _append_page(self, query: _Query, page: ChatPage, prepared: list[Prepared[ChatSummary]]) -> None:
        if query == self._shown:
            self.model.append_page(page, prepared)
        else:
            self.model.fetch_failed()  # the page of a list no longer shown: the next fetch asks again

    def _apply_changes(self, query: _Query, changes: ChatChanges, prepared: PreparedChanges) -> None:
        if query != self._shown:
            self.refresh()
            return
        if not changes.complete:  # more new chats than a page: read the rows shown again
            self._reload(query, max(self._page_size, self.model.rowCount()))
            return
        self._newest = changes.newest_id if changes.newest_id is not None else self._newest
        top = self.table.rowAt(0)
        top_key = None if top <= 0 else self.model.key_at(top)
        with self.table.announcing_once():
            self.model.apply_changes(prepared)
        position = None if top_key is None else self.model.row_for_key(top_key)
        if position is not None:  # the rows in view stay in view; at the top, new chats show
            self.table.scrollTo(self.table.proxy.index(position, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        self.loaded.emit(self.SOURCE)

    @Slot(object)
    def _show_failure(self, error: object) -> None:
        self.load_failed.emit(self.SOURCE, f"The chat list could not be loaded: {error_message(error)}")

    @Slot(object)
    def _show_more_failure(self, error: object) -> None:
        self.model.fetch_failed()
        self._show_failure(error)
