"""The busiest times as a heatmap: a table of local weekdays by hours whose cells are tinted by how many chats
were created then (the busiest hour of the week at full strength), with the count written in a colour that reads
on the tint. A table, so the keyboard and screen readers reach every cell."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from arthur_desktop.models.busiest_times_model import SHARE_ROLE, BusiestTimesModel
from arthur_desktop.palette import contrast_ratio, readable_on

HEAT_COLOUR = QColor("#2f6fd6")
_ROW_HEIGHT = 26
_MIN_COLUMN_WIDTH = 22


def heat_colour(share: float, palette: QPalette) -> QColor:
    """The palette's base colour (no chats) blended toward the heat colour (the busiest hour), which is made
    light or dark enough for the palette's text to read on it at any strength."""
    base = palette.color(QPalette.ColorRole.Base)
    top = readable_on(HEAT_COLOUR, palette.color(QPalette.ColorRole.Text))
    share = min(max(share, 0.0), 1.0)
    strength = 0.12 + 0.88 * share if share > 0 else 0.0  # a single chat still shows
    return QColor.fromRgbF(
        base.redF() + (top.redF() - base.redF()) * strength,
        base.greenF() + (top.greenF() - base.greenF()) * strength,
        base.blueF() + (top.blueF() - base.blueF()) * strength,
    )


def readable_text(background: QColor, palette: QPalette) -> QColor:
    """The palette's text or base colour, whichever reads better on the background."""
    candidates = (palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base))
    return max(candidates, key=lambda colour: contrast_ratio(colour, background))


class HeatDelegate(QStyledItemDelegate):
    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        palette = option.palette
        rect: QRect = option.rect
        state = option.state
        background = heat_colour(float(index.data(SHARE_ROLE) or 0.0), palette)
        painter.save()
        painter.fillRect(rect, background)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Midlight), 1))
        painter.drawLine(rect.topRight(), rect.bottomRight())
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        if state & (QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus):
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        painter.setPen(readable_text(background, palette))
        text = str(index.data() or "")
        font = QFont(option.font)
        room = rect.width() - 2
        width = QFontMetricsF(font).horizontalAdvance(text)
        if width > room and font.pointSizeF() > 0:  # "1.2k" in a narrow column: smaller rather than cut
            font.setPointSizeF(max(font.pointSizeF() * room / width, 6.0))
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


class BusiestTimesView(QTableView):
    def __init__(self, model: BusiestTimesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("busiestTimes")
        self.setAccessibleName("Busiest times: chats created per local weekday and hour")
        self.setModel(model)
        self.setItemDelegate(HeatDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setMouseTracking(True)
        hours, weekdays = self.horizontalHeader(), self.verticalHeader()
        hours.setMinimumSectionSize(_MIN_COLUMN_WIDTH)
        hours.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        hours.setHighlightSections(False)
        hours.setStyleSheet("QHeaderView::section { padding: 4px 0px; }")  # two digits in a narrow column
        weekdays.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        weekdays.setMinimumSectionSize(_ROW_HEIGHT - 6)
        weekdays.setDefaultSectionSize(_ROW_HEIGHT)
        weekdays.setHighlightSections(False)
