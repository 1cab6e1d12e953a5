"""One tile of the summary strip: a caption, a figure and a line under it, cut short with "…" when narrow; its
accessible name and tooltip say all of it in words, and a figure below its goal is coloured and says so."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from arthur_desktop.palette import readable_on
from arthur_desktop.widgets.summary_figures import CAPTIONS, EXPLANATIONS, LOADING, TileText

BELOW_GOAL_COLOUR = QColor(220, 38, 38)  # the tint of the tile (style.qss) and, made readable, its figure
_BELOW_GOAL_TINT = 0.14  # the alpha of the tile's background tint in style.qss
_VALUE_SCALE = 1.2  # the figure's font against the caption's


class SummaryTile(QFrame):
    """A caption, a figure and a line under it; its accessible name and tooltip say all three in words."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("summaryTile")
        self.setProperty("tone", "")
        self.caption = _label(self, CAPTIONS[key], "tileCaption")
        self.value = _label(self, LOADING, "tileValue")
        self.detail = _label(self, "", "tileDetail")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * _VALUE_SCALE)
        font.setBold(True)
        self.value.setFont(font)
        self._explanation = EXPLANATIONS[key]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.setSpacing(0)
        for label in (self.caption, self.value, self.detail):
            layout.addWidget(label)
        self._describe(self._explanation)

    def show_text(self, text: TileText, *, caption: str | None = None, tooltip: str | None = None) -> None:
        for label, new in ((self.caption, caption or self.caption.text()), (self.value, text.value)):
            if label.text() != new:
                label.setText(new)
        if self.detail.text() != text.detail:
            self.detail.setText(text.detail)
        self._set_below_goal(text.below_goal)
        self._describe(tooltip or self._explanation)

    @property
    def below_goal(self) -> bool:
        return bool(self.property("tone") == "below-goal")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) and self.below_goal:
            self._colour_value(True)

    def _set_below_goal(self, below: bool) -> None:
        if below == self.below_goal:
            return
        self.setProperty("tone", "below-goal" if below else "")
        self.style().unpolish(self)
        self.style().polish(self)
        self._colour_value(below)

    def _colour_value(self, below: bool) -> None:
        """The figure in red made readable on the tinted tile, in a light or a dark palette."""
        if not below:
            self.value.setStyleSheet("")
            return
        # The application's palette: the style sheet gives this tile a translucent background of its own.
        window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
        colour = readable_on(BELOW_GOAL_COLOUR, _blend(window, BELOW_GOAL_COLOUR, _BELOW_GOAL_TINT))
        self.value.setStyleSheet(f"color: {colour.name()};")

    def _describe(self, tooltip: str) -> None:
        words = ", ".join(t for t in (self.value.text(), self.detail.text()) if t)
        self.setAccessibleName(f"{self.caption.text()}: {words}")
        self.setToolTip(f"{self.caption.text()}: {words}\n{tooltip}")


class FittingLabel(QLabel):
    """A label that gives way when its tile is narrow, ending its text with "…" (text() keeps all of it)."""

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return QSize(0, super().sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)  # ended here: an active painter left to Python's collector makes Qt warn
        try:
            area = self.contentsRect()
            text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, area.width())
            painter.setPen(self.palette().color(self.foregroundRole()))
            painter.drawText(area, int(self.alignment()), text)
        finally:
            painter.end()


def _label(parent: QWidget, text: str, object_name: str) -> QLabel:
    label = FittingLabel(text, parent)
    label.setObjectName(object_name)
    return label


def _blend(base: QColor, tint: QColor, alpha: float) -> QColor:
    """The colour a translucent tint over base shows."""
    return QColor.fromRgbF(
        base.redF() + (tint.redF() - base.redF()) * alpha,
        base.greenF() + (tint.greenF() - base.greenF()) * alpha,
        base.blueF() + (tint.blueF() - base.blueF()) * alpha,
    )
