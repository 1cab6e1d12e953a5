"""A strip above the panels for what went wrong: one line per source, replaced or cleared by that source."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

ERROR, WARNING = "error", "warning"


class MessageBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.label = QLabel(self)
        self.label.setObjectName("messageBarText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Hide these messages")
        close.setAutoRaise(True)
        close.clicked.connect(self.clear_all)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._messages: dict[str, tuple[str, str]] = {}
        self._update()

    def show_message(self, source: str, text: str, tone: str = ERROR) -> None:
        self._messages[source] = (tone, text)
        self._update()

    def clear_message(self, source: str) -> None:
        if self._messages.pop(source, None) is not None:
            self._update()

    def messages(self) -> list[str]:
        return [text for _tone, text in self._messages.values()]

    @Slot()
    def clear_all(self) -> None:
        self._messages.clear()
        self._update()

    def _update(self) -> None:
        self.label.setText("\n".join(self.messages()))
        tones = {tone for tone, _text in self._messages.values()}
        self.setProperty("tone", ERROR if ERROR in tones else WARNING)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setVisible(bool(self._messages))
