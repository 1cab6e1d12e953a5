"""File → Export: ask where to save, write the CSV off the GUI thread, then say how it went."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QWidget

from arthur_desktop.messages import error_message
from arthur_desktop.workers import TaskRunner
from services.export import export_chats_csv, export_performance_csv
from services.results import ChatFilter, TimeWindow
from services.storage.database import Database

log = logging.getLogger(__name__)

CSV_FILTER = "CSV files (*.csv);;All files (*)"


class CsvExporter(QObject):
    """One export at a time; QFileDialog.getSaveFileName is looked up on each call, so tests can patch it."""

    SOURCE = "export"
    started = Signal()
    exported = Signal(str)  # a sentence saying what was written where
    failed = Signal(str)  # a sentence saying why nothing was written
    busy_changed = Signal(bool)

    def __init__(
        self,
        database: Database,
        runner: TaskRunner,
        dialog_parent: QWidget,
        *,
        time_window: Callable[[], TimeWindow | None],
        chat_filter: Callable[[], ChatFilter],
    ) -> None:
        super().__init__(dialog_parent)
        self._database = database
        self._runner = runner
        self._time_window = time_window
        self._chat_filter = chat_filter
        self._dialog_parent = dialog_parent
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        self._folder = Path(documents) if documents else Path.home()
        self._pending: tuple[Path, str] | None = None

    @property
    def busy(self) -> bool:
        return self._pending is not None

    @Slot()
    def export_performance(self) -> None:
        """The performance table for the period it shows."""
        path = self._ask_path("Export agent performance", f"agent-performance-{date.today().isoformat()}.csv")
        if path is not None:
            database, window = self._database, self._time_window()
            self._start(lambda: export_performance_csv(database.unit_of_work(), window, path), path, "agents")

    @Slot()
    def export_chats(self) -> None:
        """Every chat the chat list's filters match, not only the rows loaded so far."""
        path = self._ask_path("Export chats", f"chats-{date.today().isoformat()}.csv")
        if path is not None:
            database, chat_filter = self._database, self._chat_filter()
            self._start(lambda: export_chats_csv(database.unit_of_work, chat_filter, path), path, "chats")

    @Slot(str, str, str, object)
    def export_with(self, title: str, file_name: str, noun: str, write: Callable[[Path], int]) -> None:
        """What a view has drawn (the trend, the busiest times), written by write(path) off the GUI thread."""
        path = self._ask_path(title, file_name)
        if path is not None:
            self._start(partial(write, path), path, noun)

    def _ask_path(self, title: str, file_name: str) -> Path | None:
        if self.busy:
            return None
        chosen, _filter = QFileDialog.getSaveFileName(
            self._dialog_parent, title, str(self._folder / file_name), CSV_FILTER
        )
        if not chosen:
            return None
        path = Path(chosen)
        path = path if path.suffix else path.with_suffix(".csv")
        self._folder = path.parent
        return path

    def _start(self, export: Callable[[], int], path: Path, noun: str) -> None:
        self._pending = (path, noun)
        self.started.emit()
        self.busy_changed.emit(True)
        self._runner.start(export, self._show_written, self._show_failure, key=self.SOURCE)

    @Slot(object)
    def _show_written(self, rows: int) -> None:
        path, noun = self._pending or (Path(), "rows")
        self._finish()
        self.exported.emit(f"Exported {rows} {noun} to {path}.")

    @Slot(object)
    def _show_failure(self, error: object) -> None:
        self._finish()
        self.failed.emit(f"The export failed: {error_message(error)}")

    def _finish(self) -> None:
        self._pending = None
        self.busy_changed.emit(False)
