"""The width of a splitter's side pane, from the window's width, until a person drags the handle."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Slot
from PySide6.QtWidgets import QSplitter


class SidePaneWidth(QObject):
    """Whenever the splitter's width changes, its last pane (the transcript) takes share of it, between least and
    most pixels, and the first pane (the figures and lists) the rest: a wide screen gives its extra room to the
    figures, which have columns and tiles to fill, and a narrow one keeps the lists readable. Once a person drags
    the handle, or a saved layout is restored, the sizes are theirs (QSplitter then shares a change of width in
    proportion, as it always does)."""

    def __init__(self, splitter: QSplitter, *, share: float, least: int, most: int) -> None:
        super().__init__(splitter)
        self._splitter = splitter
        self._share, self._least, self._most = share, least, most
        self.by_hand = False
        splitter.installEventFilter(self)
        splitter.splitterMoved.connect(self._note_drag)

    def side_width(self, total: int) -> int:
        return max(self._least, min(self._most, round(total * self._share)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        resized = event.type() == QEvent.Type.Resize and watched is self._splitter
        if resized and not self.by_hand and shiboken6.isValid(self._splitter):  # not while being deleted
            self._apply(self._splitter.width())
        return super().eventFilter(watched, event)

    def _apply(self, width: int) -> None:
        total = width - self._splitter.handleWidth()
        side = self.side_width(total)
        self._splitter.setSizes([total - side, side])

    @Slot()
    def _note_drag(self) -> None:
        self.by_hand = True
