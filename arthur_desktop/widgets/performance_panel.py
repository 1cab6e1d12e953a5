"""Agent performance for the chosen period, loaded off the GUI thread; double-click or Enter drills down."""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, QSettings, Qt, Signal, Slot
from PySide6.QtWidgets import QVBoxLayout, QWidget

from arthur_desktop.messages import error_message
from arthur_desktop.models.performance_model import PerformanceModel
from arthur_desktop.widgets.column_chooser import ColumnChooser
from arthur_desktop.widgets.date_range_filter import DateRangeFilter
from arthur_desktop.widgets.panel_header import panel_header
from arthur_desktop.widgets.record_table import RecordTable
from arthur_desktop.workers import TaskRunner
from services.results import AgentPerformance
from services.shared_reports import shared_agent_performance
from services.storage.database import Database

log = logging.getLogger(__name__)

_PRESET_SETTING = "performance/preset"
_WIDTHS_SETTING = "performance/column-widths"
_HIDDEN_COLUMNS_SETTING = "performance/hidden-columns"
_FIGURE_SAMPLE = "00h 00m 00s"  # the widest duration; counts are narrower


class PerformancePanel(QWidget):
    SOURCE = "performance"
    loaded = Signal(str)  # SOURCE
    load_failed = Signal(str, str)  # SOURCE, the message
    agent_activated = Signal(object)  # the AgentPerformance double-clicked or entered

    def __init__(self, database: Database, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._database = database
        self._runner = runner
        self.model = PerformanceModel(self)
        self.date_filter = DateRangeFilter(self)
        self.table = RecordTable(self.model, "performanceTable", self)
        self.table.setAccessibleName("Agent performance")
        self.table.setToolTip("Double-click an agent, or press Enter, to see the agent's chats")
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self._fit_columns()
        self.columns = ColumnChooser(self.table.horizontalHeader(), locked=(0,))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(panel_header("Agent performance", self.date_filter))
        layout.addWidget(self.table)
        self.date_filter.window_changed.connect(self.refresh)
        self.table.activated.connect(self._activate_agent)

    @Slot()
    def refresh(self, reuse_seconds: float = 0.0) -> None:
        """Load the table; a team's shared one younger than reuse_seconds will do (services.shared_reports)."""
        database, window = self._database, self.date_filter.time_window()
        self._runner.start(
            lambda: shared_agent_performance(database, window, reuse_seconds),
            self._show_rows,
            self._show_failure,
            key=self.SOURCE,
        )

    def add_above_table(self, widget: QWidget) -> None:
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(self.table), widget)

    def restore_settings(self, settings: QSettings) -> None:
        self.date_filter.set_preset(str(settings.value(_PRESET_SETTING, self.date_filter.preset())))
        self.table.restore_widths(settings, _WIDTHS_SETTING)
        self.columns.set_hidden_names(_names(settings.value(_HIDDEN_COLUMNS_SETTING, [])))

    def save_settings(self, settings: QSettings) -> None:
        settings.setValue(_PRESET_SETTING, self.date_filter.preset())
        self.table.save_widths(settings, _WIDTHS_SETTING)
        settings.setValue(_HIDDEN_COLUMNS_SETTING, self.columns.hidden_names())

    def selected_agent(self) -> AgentPerformance | None:
        record = self.table.current_record()
        return record if isinstance(record, AgentPerformance) else None

    @Slot()
    def activate_selected_agent(self) -> None:
        agent = self.selected_agent()
        if agent is not None:
            self.agent_activated.emit(agent)

    @Slot(QModelIndex)
    def _activate_agent(self, index: QModelIndex) -> None:
        record = index.data(Qt.ItemDataRole.UserRole)
        if isinstance(record, AgentPerformance):
            self.agent_activated.emit(record)

    @Slot(object)
    def _show_rows(self, rows: list[AgentPerformance]) -> None:
        self.model.set_rows(rows)
        self.loaded.emit(self.SOURCE)

    @Slot(object)
    def _show_failure(self, error: object) -> None:
        self.load_failed.emit(self.SOURCE, f"Agent performance could not be loaded: {error_message(error)}")

    def _fit_columns(self) -> None:
        """Widths that fit any figure (or the header), set once: the person may change them (remembered);
        the rows are never measured, which would ask for every cell."""
        self.table.fit_columns(dict.fromkeys(range(1, self.model.columnCount()), _FIGURE_SAMPLE), stretch=0)


def _names(value: object) -> list[str]:
    """A list of names as QSettings gives it back: a list, one name alone (INI files) or nothing."""
    if isinstance(value, str):
        return [value]
    return [str(name) for name in value] if isinstance(value, list | tuple) else []
