"""The main window: a composition of the panels, the chart, the menus and toolbar, the message and status bars."""

from __future__ import annotations

import logging
from functools import partial
from itertools import pairwise

from PySide6.QtCore import QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget, QVBoxLayout, QWidget

from arthur_desktop.about import about_text
from arthur_desktop.context import WindowContext
from arthur_desktop.exporter import CsvExporter
from arthur_desktop.live_changes import LiveChanges
from arthur_desktop.messages import end_outcome, retry_outcome, several_ended
from arthur_desktop.widgets.chat_panel import ChatPanel
from arthur_desktop.widgets.deliveries_panel import DeliveriesPanel
from arthur_desktop.widgets.handling_time_chart import HandlingTimeChart
from arthur_desktop.widgets.message_bar import WARNING, MessageBar
from arthur_desktop.widgets.performance_panel import PerformancePanel
from arthur_desktop.widgets.side_pane_width import SidePaneWidth
from arthur_desktop.widgets.status_bar import AppStatusBar
from arthur_desktop.widgets.summary_strip import SummaryStrip
from arthur_desktop.widgets.transcript_panel import TranscriptPanel
from arthur_desktop.widgets.trends_panel import TrendsPanel
from arthur_desktop.window_actions import WindowActions
from arthur_desktop.window_refresh import WindowRefresh
from arthur_desktop.workers import TaskRunner
from services.end_chats import EndChatOutcome
from services.formatting import agent_label
from services.results import AgentPerformance, DeliveryRecord, EndChatResult

log = logging.getLogger(__name__)

DEFAULT_SIZE = (1280, 800)
_SPLITTERS = ("main", "left")
_DELIVERIES_SOURCE = "waiting-deliveries"
_LIVE_SOURCE = "live-changes"
_LoadingPanel = PerformancePanel | ChatPanel | DeliveriesPanel | HandlingTimeChart | TrendsPanel | SummaryStrip


class MainWindow(QMainWindow):
    initial_load_done = Signal()  # once the tables have each loaded (or failed to) after start()

    def __init__(self, context: WindowContext, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._settings = settings
        self.runner = TaskRunner(self)
        database, integration = context.database, context.integration
        self.performance_panel = PerformancePanel(database, self.runner)
        self.chat_panel = ChatPanel(database, self.runner, floor=context.config.floor)
        self.deliveries_panel = DeliveriesPanel(database, integration, self.runner)
        self.transcript_panel = TranscriptPanel(database, integration, self.runner)
        time_window, chat_filter = self.performance_panel.date_filter.time_window, self.chat_panel.chat_filter
        self.chart = HandlingTimeChart(database, self.runner, time_window)
        self.trends = TrendsPanel(database, self.runner, time_window, context.config.floor.service_level)
        self.summary_strip = SummaryStrip(database, self.runner, time_window, context.config.floor.service_level)
        self.exporter = CsvExporter(database, self.runner, self, time_window=time_window, chat_filter=chat_filter)
        self.live_changes = LiveChanges(database, self)
        self.window_actions = WindowActions(self, partial(about_text, context))
        self.message_bar = MessageBar()
        self.status = AppStatusBar(database.display_url, integration.describe())
        self.tabs = QTabWidget()
        self.splitters = {name: QSplitter() for name in _SPLITTERS}
        self.refresh_timer = QTimer(self)
        self.save_layout_on_close = True
        self._waiting_for = {PerformancePanel.SOURCE, ChatPanel.SOURCE, DeliveriesPanel.SOURCE, SummaryStrip.SOURCE}
        self.setWindowTitle(f"Arthur Desktop — {integration.describe()}")
        self.setStatusBar(self.status)
        self._build_layout()
        self.window_actions.build_menus(self.menuBar())
        self.window_actions.build_toolbar(self)
        self._connect_signals()
        self.refreshes = WindowRefresh(self)
        self._set_focus_order()
        self.resize(*DEFAULT_SIZE)

    @property
    def context(self) -> WindowContext:
        return self._context

    def start(self) -> None:
        """Load every table (a team's shared reports will do, as at the automatic refresh), retry the transcripts
        left queued, start the automatic refresh and live changes."""
        self.refresh(self.refreshes.reuse_seconds())
        self.deliveries_panel.retry_all()
        seconds = self._context.config.refresh_seconds
        if seconds > 0:
            self.refresh_timer.start(seconds * 1000)
        self.live_changes.start()

    @Slot()
    def refresh(self, reuse_seconds: float = 0.0) -> None:
        """Every panel again. The reports a team shares (services.shared_reports) are read from another desktop's
        when younger than reuse_seconds (the start, the automatic refresh), else worked out now (F5, End chat)."""
        self.performance_panel.refresh(reuse_seconds)
        self.chat_panel.refresh()
        self.deliveries_panel.refresh()
        self.chart.refresh(reuse_seconds)
        self.trends.refresh()
        self.summary_strip.refresh(reuse_seconds)

    @Slot()
    def refresh_now(self) -> None:
        """F5: every panel, the team's reports worked out as they are now."""
        self.refresh(0.0)

    def restore_layout(self) -> None:
        settings = self._settings
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        for name, splitter in self.splitters.items():
            state = settings.value(f"window/splitter-{name}")
            if state is not None:
                splitter.restoreState(state)
        self.transcript_width.by_hand = settings.contains("window/splitter-main")
        self.performance_panel.restore_settings(settings)
        self.chat_panel.restore_settings(settings)

    def save_layout(self) -> None:
        settings = self._settings
        settings.setValue("window/geometry", self.saveGeometry())
        for name, splitter in self.splitters.items():
            settings.setValue(f"window/splitter-{name}", splitter.saveState())
        self.performance_panel.save_settings(settings)
        self.chat_panel.save_settings(settings)
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.refresh_timer.stop()
        self.refreshes.stop()
        self.live_changes.stop()
        self.deliveries_panel.stop()
        self.summary_strip.tick_timer.stop()
        if self.save_layout_on_close:
            self.save_layout()
        self.runner.wait_for_done()
        super().closeEvent(event)

    def _build_layout(self) -> None:
        self.tabs.addTab(self.chat_panel, "Chats")
        self.tabs.addTab(self.deliveries_panel, "Deliveries")
        self.tabs.addTab(self.chart, "Handling time")
        self.tabs.addTab(self.trends, "Trends")
        left, main = self.splitters["left"], self.splitters["main"]
        left.setOrientation(Qt.Orientation.Vertical)
        self.performance_panel.add_above_table(self.summary_strip)
        left.addWidget(self.performance_panel)
        left.addWidget(self.tabs)
        left.setSizes([440, 360])
        main.addWidget(left)
        main.addWidget(self.transcript_panel)
        main.setSizes([740, 520])
        self.transcript_width = SidePaneWidth(main, share=0.35, least=360, most=600)
        for splitter in (left, main):
            splitter.setChildrenCollapsible(False)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 8, 10, 4)
        layout.addWidget(self.message_bar)
        layout.addWidget(main, 1)
        self.setCentralWidget(central)

    def _connect_signals(self) -> None:
        actions, exporter, say = self.window_actions, self.exporter, self.status.say
        actions.refresh.triggered.connect(self.refresh_now)  # not refresh: triggered passes checked=False
        actions.retry.triggered.connect(self.deliveries_panel.retry_all)
        actions.export_performance.triggered.connect(exporter.export_performance)
        actions.export_chats.triggered.connect(exporter.export_chats)
        actions.export_trend.triggered.connect(self.trends.export_trend)
        actions.export_busiest_times.triggered.connect(self.trends.export_busiest_times)
        self.trends.export_requested.connect(exporter.export_with)
        actions.end_chat.triggered.connect(self.transcript_panel.end_selected_chat)
        actions.show_agent_chats.triggered.connect(self.performance_panel.activate_selected_agent)
        actions.show_all_agents.triggered.connect(self.chat_panel.clear_agent)
        actions.connect_pages(
            self.tabs,
            (
                (actions.show_performance, self.performance_panel, self.performance_panel.table),
                (actions.show_chats, self.chat_panel, self.chat_panel.table),
                (actions.show_deliveries, self.deliveries_panel, self.deliveries_panel.table),
                (actions.show_chart, self.chart, self.chart.view),
                (actions.show_trends, self.trends, self.trends.chart.view),
                (actions.find, self.chat_panel, self.chat_panel.search_box),  # focused by shortcut: all selected
            ),
        )
        exporter.started.connect(partial(self.message_bar.clear_message, CsvExporter.SOURCE))
        exporter.started.connect(partial(say, "Exporting…"))
        exporter.exported.connect(say)
        exporter.failed.connect(partial(self.message_bar.show_message, CsvExporter.SOURCE))
        exporter.busy_changed.connect(actions.set_exporting)
        self.live_changes.listening.connect(partial(self.message_bar.clear_message, _LIVE_SOURCE))
        self.live_changes.failed.connect(partial(self.message_bar.show_message, _LIVE_SOURCE, tone=WARNING))
        self.runner.busy_changed.connect(self.status.set_busy)
        self.performance_panel.date_filter.window_changed.connect(self.chart.refresh)
        self.performance_panel.date_filter.window_changed.connect(self.trends.refresh)
        self.performance_panel.date_filter.window_changed.connect(self.summary_strip.refresh)
        self.performance_panel.table.current_record_changed.connect(self.chart.set_selected_agent)
        self.performance_panel.agent_activated.connect(self.show_agent_chats)
        self.chat_panel.chat_selected.connect(self.transcript_panel.show_chat)
        self.chat_panel.chats_selected.connect(self.transcript_panel.set_selection)
        self.transcript_panel.can_end_changed.connect(actions.end_chat.setEnabled)
        self.transcript_panel.chat_ended.connect(self._chat_ended)
        self.transcript_panel.end_refused.connect(self._end_refused)
        self.transcript_panel.chats_ended.connect(self._chats_ended)
        self.transcript_panel.delivery_retried.connect(self.deliveries_panel.refresh)
        self.transcript_panel.delivery_retried.connect(self._delivery_retried)
        self.deliveries_panel.retried.connect(self._delivery_retried)
        self.deliveries_panel.waiting_count_changed.connect(self._show_waiting_deliveries)
        self.deliveries_panel.retry_failed.connect(self._show_retry_failure)
        for panel in self.loading_panels():
            panel.loaded.connect(self._panel_loaded)
            panel.load_failed.connect(self._panel_failed)

    def _set_focus_order(self) -> None:
        chain = (
            self.performance_panel.date_filter.preset_box,
            self.performance_panel.table,
            self.chat_panel.status_box,
            self.chat_panel.search_box,
            self.chat_panel.table,
            self.transcript_panel.view,
            self.transcript_panel.end_chat_button,
        )
        for first, second in pairwise(chain):
            self.setTabOrder(first, second)

    @Slot(object)
    def show_agent_chats(self, agent: AgentPerformance) -> None:
        """Drill down: the chat list shows this agent's chats, in front, with the focus on it."""
        self.chat_panel.show_agent(agent.user_id, agent_label(agent.name, agent.user_id))
        self.window_actions.bring_forward(self.chat_panel, self.chat_panel.table)

    def loading_panels(self) -> tuple[_LoadingPanel, ...]:
        panels = self.performance_panel, self.chat_panel, self.deliveries_panel, self.chart, self.trends
        return (*panels, self.summary_strip)

    @Slot(str)
    def _panel_loaded(self, source: str) -> None:
        self.message_bar.clear_message(source)
        self.status.mark_updated()
        self._initial_load_step(source)

    @Slot(str, str)
    def _panel_failed(self, source: str, message: str) -> None:
        self.message_bar.show_message(source, message)
        self._initial_load_step(source)

    def _initial_load_step(self, source: str) -> None:
        if source in self._waiting_for:
            self._waiting_for.discard(source)
            if not self._waiting_for:
                self.initial_load_done.emit()

    @Slot(object)
    def _chat_ended(self, result: EndChatResult) -> None:
        self.status.say(end_outcome(result))
        self.refresh()

    @Slot(object)
    def _chats_ended(self, outcomes: list[EndChatOutcome]) -> None:
        self.status.say(several_ended(outcomes))
        self.refresh()

    @Slot(object)
    def _delivery_retried(self, outcome: DeliveryRecord | list[DeliveryRecord]) -> None:
        """Says where the retried transcripts stand now, replacing an earlier "queued for a retry"."""
        text = retry_outcome([outcome] if isinstance(outcome, DeliveryRecord) else outcome)
        if text is not None:
            self.status.say(text)

    @Slot(str)
    def _end_refused(self, message: str) -> None:
        self.status.say(message)
        self.refresh()

    @Slot(int)
    def _show_waiting_deliveries(self, waiting: int) -> None:
        self.tabs.setTabText(1, f"Deliveries ({waiting})" if waiting else "Deliveries")
        if not waiting:
            self.message_bar.clear_message("retry")
        if waiting:
            noun = "transcript is" if waiting == 1 else "transcripts are"
            text = f"{waiting} {noun} waiting to be delivered; see Deliveries, then Retry."
            self.message_bar.show_message(_DELIVERIES_SOURCE, text, WARNING)
        else:
            self.message_bar.clear_message(_DELIVERIES_SOURCE)

    @Slot(str)
    def _show_retry_failure(self, message: str) -> None:
        self.message_bar.show_message("retry", message)
