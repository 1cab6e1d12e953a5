"""The status bar: which database and which client are in use, the time zone times are shown in, when the data was
last loaded, and whether work runs."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from services.local_time import display_zone, zone_name

_MESSAGE_MS = 8000
_WORKING = "Working…"


class AppStatusBar(QStatusBar):
    def __init__(self, database: str, client: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        # Words of a fixed width, not an animated bar shown and hidden: the bar repainted the status bar 60 times a
        # second and laid it out again at every start and stop, on the GUI thread (benchmarks/responsiveness.py).
        self.busy = self._fixed_label("statusBusy", _WORKING)
        self.updated_label = self._fixed_label("statusUpdated", "Updated 00:00:00")
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
        text = f"Updated {(moment or datetime.now()).strftime('%H:%M:%S')}"
        if text != self.updated_label.text():  # each panel loaded says so: the same second needs no new text
            self.updated_label.setText(text)

    @Slot(bool)
    def set_busy(self, busy: bool) -> None:
        self.busy.setText(_WORKING if busy else "")

    def _fixed_label(self, object_name: str, widest: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(object_name)
        label.setText(widest)
        # A fixed size, both ways: Qt then lays nothing out again when the text changes (QWidget.updateGeometry).
        label.setFixedSize(label.sizeHint().width() + 4, label.sizeHint().height())
        label.clear()
        return label

    def _permanent_label(self, text: str, object_name: str) -> ElidedLabel:
        label = ElidedLabel(text, self)
        label.setObjectName(object_name)
        label.setToolTip(text)
        return label


class ElidedLabel(QLabel):
    """A long path must not set the window's minimum width: it gives way with "…" and keeps its tooltip.

    A minimum width set, not a minimumSizeHint override: layouts ask for that hint at every pass, and each call into
    Python waits for the interpreter lock while a worker holds it."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setMinimumWidth(80)

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
