"""The status bar: which database and which client are in use, the time zone times are shown in, when the data was
last loaded, and whether work runs."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from services.local_time import display_zone, zone_name

_MESSAGE_MS = 8000


class AppStatusBar(QStatusBar):
    def __init__(self, database: str, client: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setMaximumSize(90, 14)
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)
        self.busy.setToolTip("Working…")
        self.updated_label = QLabel(self)
        self.database_label = self._permanent_label(f"Database: {database}", "statusDatabase")
        # The zone times are shown in goes with the client, not in a label of its own: one more widget in the bar
        # makes Qt paint more, and PySide6 6.11 keeps a reference to None now and then on the way
        # (tests/ui/test_refcount_stability.py).
        self.zone = zone_name(display_zone())
        self.client_label = self._permanent_label(f"Client: {client} · times: {self.zone}", "statusClient")
        self.addPermanentWidget(self.busy)
        self.addPermanentWidget(self.updated_label)
        self.addPermanentWidget(self.database_label)
        self.addPermanentWidget(self.client_label)

    def say(self, text: str) -> None:
        self.showMessage(text, _MESSAGE_MS)

    def mark_updated(self, moment: datetime | None = None) -> None:
        self.updated_label.setText(f"Updated {(moment or datetime.now()).strftime('%H:%M:%S')}")

    @Slot(bool)
    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)

    def _permanent_label(self, text: str, object_name: str) -> ElidedLabel:
        label = ElidedLabel(text, self)
        label.setObjectName(object_name)
        label.setToolTip(text)
        return label


class ElidedLabel(QLabel):
    """A long path must not set the window's minimum width: it gives way with "…" and keeps its tooltip."""

    _MINIMUM_WIDTH = 80

    def minimumSizeHint(self) -> QSize:
        return QSize(self._MINIMUM_WIDTH, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        # Ended here, not whenever Python lets go of it: a painter still active when paintEvent returns makes Qt
        # warn "endPaint() called with active painter" and can crash the next paint.
        painter = QPainter(self)
        try:
            self.drawFrame(painter)
            area = self.contentsRect()
            text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle, area.width())
            painter.drawText(area, int(self.alignment()), text)
        finally:
            painter.end()
