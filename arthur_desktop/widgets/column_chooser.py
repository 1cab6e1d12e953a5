"""Which columns a table shows: right-click its header for a checkable entry per column; some cannot be hidden."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, QPoint, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QMenu


class ColumnChooser(QObject):
    """Owns the header's context menu; columns are named by their header text, so a saved choice survives columns
    being added or moved in a later version."""

    def __init__(self, header: QHeaderView, locked: Iterable[int] = (0,)) -> None:
        super().__init__(header)
        self._header = header
        self._locked = frozenset(locked)
        self.menu: QMenu | None = None
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_menu)

    def names(self) -> list[str]:
        model = self._header.model()
        if model is None:
            return []
        return [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(self._header.count())]

    def hidden_names(self) -> list[str]:
        return [name for column, name in enumerate(self.names()) if self._header.isSectionHidden(column)]

    def set_hidden_names(self, hidden: Iterable[str]) -> None:
        """Hide these columns and show the others; unknown names and locked columns are ignored."""
        wanted = set(hidden)
        for column, name in enumerate(self.names()):
            self._header.setSectionHidden(column, name in wanted and column not in self._locked)

    @Slot(QPoint)
    def _show_menu(self, position: QPoint) -> None:
        menu = QMenu(self._header)
        menu.setObjectName("columnsMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for column, name in enumerate(self.names()):
            action = QAction(name, menu)
            action.setCheckable(True)
            action.setChecked(not self._header.isSectionHidden(column))
            action.setEnabled(column not in self._locked)
            action.toggled.connect(lambda shown, c=column: self._header.setSectionHidden(c, not shown))
            menu.addAction(action)
        self.menu = menu
        menu.destroyed.connect(self._forget_menu)
        menu.popup(self._header.viewport().mapToGlobal(position))

    @Slot()
    def _forget_menu(self) -> None:
        self.menu = None
