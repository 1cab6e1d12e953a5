"""A grid of equal tiles that wraps: as many columns as the width holds, in at most a few rows."""

from __future__ import annotations

import math

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class TileLayout(QLayout):
    """Tiles are tile_width wide, or wider to share a row's width equally. A wide place shows them in one row; a
    narrower one wraps them into more rows, up to max_rows; narrower still, the tiles get narrower than tile_width
    (their labels cut their text short), so the tiles never take more height than max_rows."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        tile_width: int = 120,
        max_rows: int = 2,
        smallest_width: int = 40,
        spacing: int = 4,
    ) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._tile_width = tile_width
        self._max_rows = max_rows
        self._smallest_width = smallest_width
        self.setSpacing(spacing)

    def set_tile_width(self, width: int) -> None:
        self._tile_width = width
        self.invalidate()

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def sizeHint(self) -> QSize:
        """One row of every tile."""
        margins = self.contentsMargins()
        columns = max(1, len(self._items))
        width = columns * self._tile_width + (columns - 1) * self.spacing()
        return QSize(width + margins.left() + margins.right(), self.heightForWidth(width))

    def minimumSize(self) -> QSize:
        """The most rows, of the narrowest tiles."""
        margins = self.contentsMargins()
        columns = self._fewest_columns()
        width = columns * self._smallest_width + (columns - 1) * self.spacing() + margins.left() + margins.right()
        return QSize(width, self.heightForWidth(width))

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def columns_for(self, width: int) -> int:
        """As many as fit, evened out over the rows they take: 8 tiles where 7 fit make two rows of 4, not 7 and 1."""
        spacing = self.spacing()
        fit = max(self._fewest_columns(), (width + spacing) // (self._tile_width + spacing))
        tiles = max(1, len(self._items))
        return math.ceil(tiles / math.ceil(tiles / fit))

    def _fewest_columns(self) -> int:
        return max(1, math.ceil(len(self._items) / self._max_rows))

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Places the tiles in rect (when move) and returns the height they take."""
        margins = self.contentsMargins()
        inner = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        if not self._items:
            return margins.top() + margins.bottom()
        spacing = self.spacing()
        columns = self.columns_for(inner.width())
        rows = math.ceil(len(self._items) / columns)
        tile_width = max(self._smallest_width, (inner.width() - (columns - 1) * spacing) // columns)
        row_height = max(item.sizeHint().height() for item in self._items)
        if move:
            for number, item in enumerate(self._items):
                row, column = divmod(number, columns)
                x = inner.x() + column * (tile_width + spacing)
                y = inner.y() + row * (row_height + spacing)
                item.setGeometry(QRect(x, y, tile_width, row_height))
        return rows * row_height + (rows - 1) * spacing + margins.top() + margins.bottom()
