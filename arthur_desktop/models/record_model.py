"""A thin table model over a tuple of frozen dataclasses, one row each, described by its columns."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from arthur_desktop.palette import text_colour

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # a value that sorts by meaning: numbers, times, folded names
KEY_ROLE = Qt.ItemDataRole.UserRole + 2  # the row's identity (user_id, chat_id, delivery_id)
NUMBER_ALIGNMENT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
TEXT_ALIGNMENT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column(Generic[Row]):
    header: str
    display: Callable[[Row], str]
    sort_value: Callable[[Row], Any]
    numeric: bool = False
    tooltip: Callable[[Row], str | None] | None = None
    colour: Callable[[Row], str | None] | None = None  # a text colour name, e.g. for a status
    header_tooltip: str | None = None  # what the column counts, when its name alone cannot say


def text_sort(text: str | None) -> str:
    return (text or "").casefold()


def number_sort(value: float | None) -> float:
    """Missing values sort after every number."""
    return math.inf if value is None else float(value)


class RecordTableModel(QAbstractTableModel, Generic[Row]):
    """Rows are frozen dataclasses; the row object is under UserRole, its key under KEY_ROLE."""

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        key: Callable[[Row], Hashable],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._key = key
        self._rows: tuple[Row, ...] = ()

    @property
    def rows(self) -> tuple[Row, ...]:
        return self._rows

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Same keys in the same order: dataChanged, so views keep selection and scroll; else a reset."""
        new_rows = tuple(rows)
        if [self._key(r) for r in new_rows] != [self._key(r) for r in self._rows]:
            self.beginResetModel()
            self._rows = new_rows
            self.endResetModel()
            return
        changed = [i for i, (old, new) in enumerate(zip(self._rows, new_rows, strict=True)) if old != new]
        self._rows = new_rows
        if changed:
            last_column = self.columnCount() - 1
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), last_column))

    def row_for_key(self, key: Hashable) -> int | None:
        return next((i for i, row in enumerate(self._rows) if self._key(row) == key), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self._columns):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(row)
        if role == SORT_ROLE:
            return column.sort_value(row)
        if role == Qt.ItemDataRole.UserRole:
            return row
        if role == KEY_ROLE:
            return self._key(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return NUMBER_ALIGNMENT if column.numeric else TEXT_ALIGNMENT
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            colour = column.colour(row)
            return None if colour is None else text_colour(colour)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return NUMBER_ALIGNMENT if column.numeric else TEXT_ALIGNMENT
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.header_tooltip
        return None


def sorting_proxy(model: QAbstractItemModel, parent: QObject | None = None) -> QSortFilterProxyModel:
    """A proxy that sorts by SORT_ROLE, so durations sort by seconds and names case-insensitively."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    return proxy
