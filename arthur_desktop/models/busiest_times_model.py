"""The busiest times as a table: a row per local weekday (Monday first), a column per local hour, each cell the
chats created then. The cell's HeatmapCell is under UserRole, its share of the busiest cell under SHARE_ROLE."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from arthur_desktop.widgets.trend_figures import compact_count, describe_cell
from services.floor_results import HeatmapCell

Index = QModelIndex | QPersistentModelIndex
SHARE_ROLE = Qt.ItemDataRole.UserRole + 1  # 0.0 (no chats) to 1.0 (the busiest hour of the week)
WEEKDAYS = 7
HOURS = 24


class BusiestTimesModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cells: dict[tuple[int, int], HeatmapCell] = {}
        self._busiest = 0

    @property
    def cells(self) -> list[HeatmapCell]:
        return [self._cell(weekday, hour) for weekday in range(WEEKDAYS) for hour in range(HOURS)]

    def set_cells(self, cells: Sequence[HeatmapCell]) -> None:
        """The grid never changes shape: every cell is updated in place (the current cell stays)."""
        self._cells = {(c.weekday, c.hour): c for c in cells}
        self._busiest = max((c.chats_created for c in cells), default=0)
        self.dataChanged.emit(self.index(0, 0), self.index(WEEKDAYS - 1, HOURS - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else WEEKDAYS

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else HOURS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cell = self._cell(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return compact_count(cell.chats_created)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return describe_cell(cell)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.UserRole:
            return cell
        if role == SHARE_ROLE:
            return cell.chats_created / self._busiest if self._busiest else 0.0
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        weekdays = orientation == Qt.Orientation.Vertical
        if not 0 <= section < (WEEKDAYS if weekdays else HOURS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return calendar.day_abbr[section] if weekdays else f"{section:02d}"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return calendar.day_name[section] if weekdays else f"{section:02d}:00 to {(section + 1) % 24:02d}:00"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _cell(self, weekday: int, hour: int) -> HeatmapCell:
        return self._cells.get((weekday, hour), HeatmapCell(weekday, hour, 0))
