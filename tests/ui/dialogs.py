"""Real dialogs answered as a person answers them: a timer finds the modal dialog on screen and presses a key.

The code under test shows its own QMessageBox (question, critical, about); nothing is patched. A timer polls for
`QApplication.activeModalWidget()` and sends the next scripted key to the dialog's focused widget, which is where
a person's key press goes: Enter or Return presses the default button, Escape the escape button, and a letter
(or Alt and the letter) the button with that mnemonic. So a test that answers with Enter tests the default button.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox

ENTER = (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
ESCAPE = (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
POLL_MS = 10
_ANSWERED, _SEEN_AT = "answeredByTest", "seenByTestAt"
STUCK_MS = 3000  # a dialog still open this long after its key press is closed, and the test told so


def alt(key: Qt.Key) -> tuple[Qt.Key, Qt.KeyboardModifier]:
    """A button's mnemonic with Alt, e.g. alt(Qt.Key.Key_Y) for "&Yes"."""
    return key, Qt.KeyboardModifier.AltModifier


def letter(key: Qt.Key) -> tuple[Qt.Key, Qt.KeyboardModifier]:
    """A button's mnemonic letter alone, as a message box also accepts it."""
    return key, Qt.KeyboardModifier.NoModifier


def button_text(button: QAbstractButton | None) -> str | None:
    return None if button is None else button.text().replace("&", "")


@dataclass
class SeenDialog:
    """A message box as it was on screen, and the button the key press chose."""

    title: str
    text: str
    icon: QMessageBox.Icon
    buttons: list[str]
    default_button: str | None
    clicked: str | None = None


@dataclass
class DialogAnswerer:
    """Answers the next dialogs, one scripted key each, and records what each showed."""

    seen: list[SeenDialog] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _keys: list[tuple[Qt.Key, Qt.KeyboardModifier]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._timer = QTimer()
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)
        self._timer.start()  # also watches for dialogs nobody expected, which would otherwise hang the test

    def answer(self, *keys: tuple[Qt.Key, Qt.KeyboardModifier]) -> DialogAnswerer:
        """Press these keys, one for each of the next dialogs, in order."""
        self._keys.extend(keys)
        return self

    @property
    def texts(self) -> list[str]:
        return [dialog.text for dialog in self.seen]

    @property
    def unanswered(self) -> int:
        return len(self._keys)

    def stop(self) -> None:
        self._timer.stop()

    def __iter__(self) -> Iterator[SeenDialog]:
        return iter(self.seen)

    def poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QMessageBox) or not dialog.isVisible() or dialog.property(_ANSWERED):
            return
        if not self._keys:
            self._close_if_left_open(dialog, "appeared, but no answer was scripted")
            return
        if QApplication.activeWindow() is not dialog:  # a person answers once it has the keyboard
            self._close_if_left_open(dialog, "never became the active window")
            return
        dialog.setProperty(_ANSWERED, True)  # on the C++ object: a later dialog is never taken for this one
        key, modifiers = self._keys.pop(0)
        seen = SeenDialog(
            dialog.windowTitle(),
            dialog.text(),
            dialog.icon(),
            [str(button_text(b)) for b in dialog.buttons()],
            button_text(dialog.defaultButton()),
        )
        self.seen.append(seen)
        dialog.buttonClicked.connect(lambda button: setattr(seen, "clicked", button_text(button)))
        QTest.keyClick(QApplication.focusWidget() or dialog, key, modifiers)
        QTimer.singleShot(STUCK_MS, self._close_if_stuck)

    def _close_if_left_open(self, dialog: QMessageBox, why: str) -> None:
        """Rather than hang the test in the dialog's event loop, close a dialog that cannot be answered."""
        first_seen = dialog.property(_SEEN_AT)
        if first_seen is None:
            dialog.setProperty(_SEEN_AT, time.monotonic())
        elif time.monotonic() - float(first_seen) > STUCK_MS / 1000:
            self.problems.append(f"the dialog {dialog.windowTitle()!r} {why}")
            dialog.setProperty(_ANSWERED, True)
            dialog.reject()

    def _close_if_stuck(self) -> None:
        """Looks the dialog up again rather than keeping it: by now Qt has usually deleted it."""
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible() and widget.property(_ANSWERED):
                self.problems.append(f"the dialog {widget.windowTitle()!r} stayed open after its key press")
                widget.reject()
