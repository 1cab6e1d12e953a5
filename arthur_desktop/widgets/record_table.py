"""A table view over a RecordTableModel that keeps selection and scroll across reloads.

A click on a column's header asks the model to sort (RecordTableModel.sort, or the chat list's re-query):
the view shows the model through a proxy that only passes it through, unless a panel gives its own.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import (
    QAbstractProxyModel,
    QIdentityProxyModel,
    QItemSelectionModel,
    QModelIndex,
    QSettings,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from arthur_desktop.models.proxies import PassingThrough
from arthur_desktop.models.record_model import KEY_ROLE, RecordTableModel

_CELL_AIR = 2  # a figure's column: a little room beside the widest sample


class RecordTable(QTableView):
    """Emits current_record_changed(row or None) when the current selected row, or its data, changes, and
    selected_records_changed(rows) when the selected rows (in the view's order), or their data, change."""

    current_record_changed = Signal(object)
    selected_records_changed = Signal(tuple)

    def __init__(
        self,
        model: RecordTableModel[Any],
        object_name: str,
        parent: QWidget | None = None,
        *,
        proxy: QAbstractProxyModel | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.source_model = model
        self.proxy = proxy or _passing_through(model, self)
        self.setModel(self.proxy)
        self._configure_look()
        self._saved_key: Hashable | None = None
        self._saved_keys: list[Hashable] = []
        self._saved_scroll = 0
        self._restoring = False
        self._last_emitted: object | None = None
        self._last_selected: tuple[object, ...] = ()
        self.proxy.modelAboutToBeReset.connect(self._remember_state)
        self.proxy.modelReset.connect(self._restore_state)
        self.proxy.dataChanged.connect(self._announce_if_changed)
        self.proxy.layoutChanged.connect(self._announce_if_changed)
        self.selectionModel().selectionChanged.connect(self._announce_if_changed)

    def current_record(self) -> object | None:
        """The row with the focus when it is selected (the one clicked last), else the first selected."""
        rows = self._selected_rows()
        return rows[0].data(Qt.ItemDataRole.UserRole) if rows else None

    def current_key(self) -> Hashable | None:
        rows = self._selected_rows()
        key: Hashable | None = rows[0].data(KEY_ROLE) if rows else None
        return key

    def selected_records(self) -> tuple[object, ...]:
        """Every selected row, in the view's order."""
        rows = sorted(self.selectionModel().selectedRows(), key=lambda index: index.row())
        return tuple(index.data(Qt.ItemDataRole.UserRole) for index in rows)

    def select_key(self, key: Hashable | None, *, scroll: bool = True) -> bool:
        """Select the row with this key; False (and no selection) when it is not loaded."""
        source_row = None if key is None else self.source_model.row_for_key(key)
        if source_row is None:
            self.selectionModel().clearSelection()
            return False
        index = self.proxy.mapFromSource(self.source_model.index(source_row, 0))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.selectionModel().setCurrentIndex(index, flags)
        if scroll:
            self.scrollTo(index)
        return index.isValid()

    @contextmanager
    def announcing_once(self) -> Iterator[None]:
        """Changes made in the block (rows taken out one by one, others added) announce the selection once, at
        the end, rather than each step's passing selection."""
        self._restoring = True
        try:
            yield
        finally:
            self._restoring = False
        self._announce_if_changed()

    def _selected_rows(self) -> list[QModelIndex]:
        rows = self.selectionModel().selectedRows()
        current = self.selectionModel().currentIndex()
        return sorted(rows, key=lambda index: index.row() != current.row())

    def cell_width(self, text: str) -> int:
        """The width a cell needs to show text whole, as the style paints it: the font, the style sheet's padding
        and the style's own margins around an item's text."""
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.text = text
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
        return self.style().sizeFromContents(QStyle.ContentsType.CT_ItemViewItem, option, QSize(), self).width()

    def fit_columns(self, samples: dict[int, str], *, stretch: int) -> None:
        """Fixed widths that fit a sample value (or the header), so columns stay put while rows load."""
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        for column, sample in samples.items():
            width = self.cell_width(sample) + _CELL_AIR
            header.resizeSection(column, max(width, header.sectionSizeHint(column)))
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

    def save_widths(self, settings: QSettings, name: str) -> None:
        """The columns' widths as the person left them, for restore_widths at the next start."""
        header = self.horizontalHeader()
        settings.setValue(name, [header.sectionSize(column) for column in range(header.count())])

    def restore_widths(self, settings: QSettings, name: str) -> None:
        """Widths saved by save_widths (columns the saved list lacks, and a stretched one, keep theirs)."""
        widths = settings.value(name)
        header = self.horizontalHeader()
        if not isinstance(widths, list):
            return
        for column, width in enumerate(widths[: header.count()]):
            if str(width).isdigit() and header.sectionResizeMode(column) != QHeaderView.ResizeMode.Stretch:
                header.resizeSection(column, max(int(width), header.minimumSectionSize()))

    def _configure_look(self) -> None:
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicatorShown(True)

    @Slot()
    def _remember_state(self) -> None:
        self._saved_key = self.current_key()
        self._saved_keys = [index.data(KEY_ROLE) for index in self.selectionModel().selectedRows()]
        self._saved_scroll = self.verticalScrollBar().value()
        self._restoring = True

    @Slot()
    def _restore_state(self) -> None:
        try:
            if self._saved_key is not None:
                self.select_key(self._saved_key, scroll=False)
            self._reselect(key for key in self._saved_keys if key != self._saved_key)
            self.updateGeometries()
            self.verticalScrollBar().setValue(self._saved_scroll)
        finally:
            self._restoring = False
        self._announce_if_changed()

    def _reselect(self, keys: Iterable[Hashable]) -> None:
        """Add the rows still loaded with these keys to the selection (several rows were selected)."""
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for key in keys:
            source_row = self.source_model.row_for_key(key)
            if source_row is not None:
                index = self.proxy.mapFromSource(self.source_model.index(source_row, 0))
                self.selectionModel().select(index, flags)

    @Slot()
    def _announce_if_changed(self, *_args: object) -> None:
        if self._restoring:
            return
        record = self.current_record()
        if record != self._last_emitted:
            self._last_emitted = record
            self.current_record_changed.emit(record)
        selected = self.selected_records()
        if selected != self._last_selected:
            self._last_selected = selected
            self.selected_records_changed.emit(selected)


def _passing_through(model: RecordTableModel[Any], parent: QWidget) -> QIdentityProxyModel:
    proxy = PassingThrough(parent)  # its sort() asks the model to sort
    proxy.setSourceModel(model)
    return proxy
