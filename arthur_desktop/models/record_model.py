"""A thin table model over frozen dataclasses, one row each, described by its columns.

Each row's display texts, sort values, colours and tooltips are worked out once, when the row arrives, and
kept as plain tuples: data() only looks them up, since a view asks for thousands of cells while it paints. Plain
tuples of strings and numbers also drop out of the garbage collector's sight (a NamedTuple would not), so 100,000
loaded rows do not lengthen each of its full passes, which stop the GUI thread.
Rows are appended and inserted without touching the rows already there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from arthur_desktop.models.proxies import SortingFilter
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
    sort_value: Callable[[Row], Any]  # None: no value, which sorts last either way
    numeric: bool = False
    tooltip: Callable[[Row], str | None] | None = None
    colour: Callable[[Row], str | None] | None = None  # a text colour name, e.g. for a status
    header_tooltip: str | None = None  # what the column counts, when its name alone cannot say


def text_sort(text: str | None) -> str | None:
    return None if text is None else text.casefold()


def number_sort(value: float | None) -> float | None:
    return None if value is None else float(value)


# One row as a view asks for it: per column, its display texts, sort values, colour names and tooltips.
Cells = tuple[tuple[str, ...], tuple[Any, ...], tuple[str | None, ...], tuple[str | None, ...]]
DISPLAY, SORT, COLOUR, TOOLTIP = range(4)


@dataclass(frozen=True)
class Prepared(Generic[Row]):
    """A row with its cells worked out (RecordTableModel.prepare), e.g. on a worker thread."""

    row: Row
    cells: Cells


class RecordTableModel(QAbstractTableModel, Generic[Row]):
    """Rows are frozen dataclasses; the row object is under UserRole, its key under KEY_ROLE.

    sort() orders the rows here, with rows lacking the column's value last in either direction and ties by key;
    later set_rows keep that order. A subclass may keep its rows in another form (_keep, _restore, _kept_key),
    e.g. plain tuples that the garbage collector does not walk.
    """

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        key: Callable[[Row], Hashable],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._key = key
        self._rows: list[Any] = []  # in the form _keep gives
        self._cells: list[Cells] = []
        self._keys: set[Hashable] = set()
        self._numbers: dict[Hashable, int] = {}  # see _number_rows
        self._first = 0
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._alignments = tuple(NUMBER_ALIGNMENT if c.numeric else TEXT_ALIGNMENT for c in self._columns)
        self._no_sort_value = tuple(math.inf if c.numeric else "" for c in self._columns)
        self._colours: dict[tuple[str, int], QColor] = {}

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(map(self._restore, self._rows))

    def prepare(self, rows: Iterable[Row]) -> list[Prepared[Row]]:
        """Rows with their cells worked out. Reads nothing but the columns, so a worker thread may call it and
        hand the result to set_rows, append_rows, insert_rows_after or update_rows on the GUI thread."""
        return [Prepared(row, self._cells_of(row)) for row in rows]

    def set_rows(self, rows: Sequence[Row] | Sequence[Prepared[Row]]) -> None:
        """Same keys in the same order: dataChanged, so views keep selection and scroll; else a reset."""
        pairs = self._in_order(self._prepared(rows))
        if [self._kept_key(kept) for kept, _ in pairs] != [self._kept_key(kept) for kept in self._rows]:
            self.beginResetModel()
            self._replace_all(pairs)
            self.endResetModel()
            return
        changed = [i for i, ((new, _), old) in enumerate(zip(pairs, self._rows, strict=True)) if old != new]
        for i in changed:
            self._rows[i], self._cells[i] = pairs[i]
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), self.columnCount() - 1))

    def append_rows(self, rows: Iterable[Row] | Iterable[Prepared[Row]]) -> int:
        """Add the rows whose keys are not shown yet at the end; how many were added. Cost: the new rows only."""
        return self._insert(rows, len(self._rows))

    def insert_rows_after(self, key: Hashable | None, rows: Iterable[Row] | Iterable[Prepared[Row]]) -> int:
        """Add the rows whose keys are not shown yet right after the row with this key (None: at the top);
        how many were added (none when that row is not shown)."""
        if key is None:
            return self._insert(rows, 0)
        position = self.row_for_key(key)
        return 0 if position is None else self._insert(rows, position + 1)

    def update_rows(self, rows: Iterable[Row] | Iterable[Prepared[Row]]) -> None:
        """New data for rows already shown (others are ignored), in place: dataChanged for each changed row."""
        last_column = self.columnCount() - 1
        for row, cells in self._prepared(rows):
            position = self.row_for_key(self._kept_key(row))
            if position is not None and self._rows[position] != row:
                self._rows[position], self._cells[position] = row, cells
                self.dataChanged.emit(self.index(position, 0), self.index(position, last_column))

    def remove_keys(self, keys: Iterable[Hashable]) -> None:
        """Take these rows out (keys not shown are ignored), each with its own removal, so views keep the rest."""
        positions = sorted({p for p in map(self.row_for_key, keys) if p is not None}, reverse=True)
        for position in positions:
            self.beginRemoveRows(QModelIndex(), position, position)
            self._keys.discard(self._kept_key(self._rows[position]))
            del self._rows[position], self._cells[position]
            self.endRemoveRows()
        if positions:
            self._number_rows()

    def row_for_key(self, key: Hashable) -> int | None:
        number = self._numbers.get(key)
        return None if number is None else number - self._first

    def key_at(self, position: int) -> Hashable:
        return self._kept_key(self._rows[position])

    def row_at(self, position: int) -> Row:
        return self._restore(self._rows[position])

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order) if 0 <= column < len(self._columns) else None
        if self._sort is None:
            return
        self.layoutAboutToBeChanged.emit()
        old_keys = [self._kept_key(kept) for kept in self._rows]
        pairs = self._in_order(list(zip(self._rows, self._cells, strict=True)))
        self._rows, self._cells = [row for row, _ in pairs], [cells for _, cells in pairs]
        self._number_rows()
        persistent = self.persistentIndexList()
        moved = [self.index(self._numbers[old_keys[i.row()]], i.column()) for i in persistent]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, column = index.row(), index.column()
        if not index.isValid() or not 0 <= row < len(self._rows) or not 0 <= column < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[row][DISPLAY][column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignments[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self._cells[row][COLOUR][column]
            return None if colour is None else self._text_colour(colour)
        if role == SORT_ROLE:
            value = self._cells[row][SORT][column]
            return self._no_sort_value[column] if value is None else value  # a proxy sorts no value last
        if role == Qt.ItemDataRole.UserRole:
            return self._restore(self._rows[row])
        if role == KEY_ROLE:
            return self._kept_key(self._rows[row])
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._cells[row][TOOLTIP][column]
        return None

    def multiData(self, index: Index, role_data_span: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role a delegate asks of a cell, in one call into Python (arthur_desktop.models.proxies)."""
        data = self.data
        asked = role_data_span if isinstance(role_data_span, QModelRoleDataSpan) else (role_data_span,)
        for role_data in cast(Iterable[QModelRoleData], asked):
            role_data.setData(data(index, role_data.role()))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignments[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._columns[section].header_tooltip
        return None

    def _replace_all(self, pairs: Sequence[tuple[Any, Cells]]) -> None:
        self._rows = [row for row, _ in pairs]
        self._cells = [cells for _, cells in pairs]
        self._keys = {self._kept_key(kept) for kept in self._rows}
        self._number_rows()

    def _insert(self, rows: Iterable[Row] | Iterable[Prepared[Row]], first: int) -> int:
        new_rows: list[Any] = []
        new_cells: list[Cells] = []
        for item in rows:
            row = item.row if isinstance(item, Prepared) else item
            key = self._key(row)
            if key not in self._keys:
                self._keys.add(key)
                new_rows.append(self._keep(row))
                new_cells.append(item.cells if isinstance(item, Prepared) else self._cells_of(row))
        if not new_rows:
            return 0
        self.beginInsertRows(QModelIndex(), first, first + len(new_rows) - 1)
        at_end = first == len(self._rows)
        self._rows[first:first] = new_rows
        self._cells[first:first] = new_cells
        if first == 0:
            self._first -= len(new_rows)  # the rows below keep their numbers: nothing else to renumber
        if first == 0 or at_end:
            self._numbers.update((self._kept_key(kept), self._first + first + i) for i, kept in enumerate(new_rows))
        else:
            self._number_rows()  # in between: the rows below move
        self.endInsertRows()
        return len(new_rows)

    def _number_rows(self) -> None:
        """Each row's number; its position is its number minus _first, so rows added at either end leave the
        others' numbers alone."""
        self._first = 0
        self._numbers = {self._kept_key(kept): i for i, kept in enumerate(self._rows)}

    def _prepared(self, rows: Iterable[Row] | Iterable[Prepared[Row]]) -> list[tuple[Any, Cells]]:
        """Rows in their kept form with their cells, worked out here unless prepared."""
        keep = self._keep
        return [
            (keep(item.row), item.cells) if isinstance(item, Prepared) else (keep(item), self._cells_of(item))
            for item in rows
        ]

    def _keep(self, row: Row) -> Any:
        """The form a row is kept in: the row itself, unless a subclass says otherwise."""
        return row

    def _restore(self, kept: Any) -> Row:
        return cast(Row, kept)

    def _kept_key(self, kept: Any) -> Hashable:
        """The key of a row in its kept form (asked for every row when they are numbered again)."""
        return self._key(self._restore(kept))

    def _cells_of(self, row: Row) -> Cells:
        columns = self._columns
        return (
            tuple(c.display(row) for c in columns),
            tuple(c.sort_value(row) for c in columns),
            tuple(None if c.colour is None else c.colour(row) for c in columns),
            tuple(None if c.tooltip is None else c.tooltip(row) for c in columns),
        )

    def _in_order(self, pairs: list[tuple[Any, Cells]]) -> list[tuple[Any, Cells]]:
        """By the sort column's value, ties by key, in the sort's direction; rows without a value last."""
        if self._sort is None:
            return pairs
        column, order = self._sort
        descending = order == Qt.SortOrder.DescendingOrder
        present = [pair for pair in pairs if pair[1][SORT][column] is not None]
        missing = [pair for pair in pairs if pair[1][SORT][column] is None]
        tie: Callable[[Any], Any] = self._kept_key  # keys are ids: they compare
        present.sort(key=lambda pair: (pair[1][SORT][column], tie(pair[0])), reverse=descending)
        missing.sort(key=lambda pair: tie(pair[0]), reverse=descending)
        return present + missing

    def _text_colour(self, name: str) -> QColor:
        base = QGuiApplication.palette().color(QPalette.ColorRole.Base).rgba()  # the palette may change
        colour = self._colours.get((name, base))
        if colour is None:
            colour = self._colours[(name, base)] = text_colour(name)
        return colour


def sorting_proxy(model: QAbstractItemModel, parent: QObject | None = None) -> QSortFilterProxyModel:
    """A proxy that sorts by SORT_ROLE, so durations sort by seconds and names case-insensitively."""
    proxy = SortingFilter(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    return proxy
