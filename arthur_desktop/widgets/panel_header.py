"""The top row of a panel: a bold title (or none, under a tab), then the panel's own controls on the right."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget


def panel_header(title: str | None, *controls: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    if title:
        label = QLabel(title)
        label.setObjectName("panelTitle")
        row.addWidget(label)
    row.addStretch(1)
    for control in controls:
        row.addWidget(control)
    return row
