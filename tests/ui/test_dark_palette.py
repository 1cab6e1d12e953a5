"""Readable in a dark system palette: the style sheet takes its colours from the palette, status colours adapt."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from arthur_desktop.app import style_sheet
from arthur_desktop.models.chat_model import ALERT_COLOUR, ChatModel
from arthur_desktop.palette import contrast_ratio, is_dark, readable_on
from seed_data import add_recent_chat
from window_helpers import OpenWindow, select_chat, wait_until_idle

DARK = {
    "Window": "#202124",
    "WindowText": "#e8eaed",
    "Base": "#17181a",
    "AlternateBase": "#1f2023",
    "Text": "#e8eaed",
    "Button": "#2b2c2f",
    "ButtonText": "#e8eaed",
    "Mid": "#5f6368",
    "Midlight": "#3c4043",
    "Light": "#4a4d51",
    "Dark": "#111111",
    "Highlight": "#8ab4f8",
    "HighlightedText": "#202124",
}
LIGHT = {**{role: "#ffffff" for role in ("Base", "AlternateBase")}, "Window": "#efefef", "Text": "#000000"}


def colours(image: QImage) -> Counter[int]:
    """How many pixels of each colour (as 0xAARRGGBB)."""
    pixels = image.convertToFormat(QImage.Format.Format_ARGB32)
    return Counter(pixels.pixel(x, y) for y in range(0, pixels.height(), 2) for x in range(pixels.width()))


def look(screen: QImage, window: QWidget, widget: QWidget) -> tuple[QColor, float]:
    """On the window's screenshot, the widget's background (its commonest colour) and the best contrast any
    of its pixels has with that (its text)."""
    counts = colours(screen.copy(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())))
    background = QColor.fromRgb(counts.most_common(1)[0][0])
    return background, max(contrast_ratio(QColor.fromRgb(c), background) for c in counts)


def status_colour(model: ChatModel, chat_id: int, status: str) -> QColor:
    """The text colour of the chat's Status cell, which must read status."""
    row = model.row_for_key(chat_id)
    assert row is not None, f"chat {chat_id} is not in the list"
    cell = model.index(row, 3)
    assert cell.data() == status
    colour = cell.data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(colour, QColor)
    return colour


@pytest.fixture(params=["dark", "light"])
def system_palette(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """The application as a person with this system palette sees it: their palette, then our style sheet."""
    saved_palette, saved_sheet = qapp.palette(), qapp.styleSheet()
    palette = QPalette(saved_palette)
    for role, colour in (DARK if request.param == "dark" else LIGHT).items():
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    qapp.setPalette(palette)
    qapp.setStyleSheet(style_sheet())
    yield request.param
    qapp.setStyleSheet(saved_sheet)
    qapp.setPalette(saved_palette)


def test_the_tables_transcript_and_chart_read_well_in_the_system_palette(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, system_palette: str
) -> None:
    window = open_window(folder_config)
    select_chat(qtbot, window, 2)
    window.message_bar.show_message("test", "Something went wrong.")
    with qtbot.waitSignal(window.chart.loaded):
        qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    wait_until_idle(qtbot, window)
    parts = {
        "performance table": window.performance_panel.table.viewport(),
        "performance header": window.performance_panel.table.horizontalHeader(),
        "transcript": window.transcript_panel.view.viewport(),
        "message bar": window.message_bar,
        "chart": window.chart.view,
        "status bar": window.status,
    }

    screen = window.grab().toImage()

    for name, widget in parts.items():
        background, best_contrast = look(screen, window, widget)
        assert is_dark(background) == (system_palette == "dark"), name
        assert best_contrast >= 7, name


def test_status_colours_keep_their_hue_and_contrast_with_the_rows(
    qtbot: QtBot, open_window: OpenWindow, folder_config: Path, system_palette: str
) -> None:
    window = open_window(folder_config)
    fresh_waiting = add_recent_chat(window.context.database, "Nia", waited=5)
    fresh_in_progress = add_recent_chat(window.context.database, "Omar", waited=60, running=50, user_id=2)
    with qtbot.waitSignal(window.chat_panel.loaded):
        window.refresh()
    base = QApplication.palette().color(QPalette.ColorRole.Base)

    in_progress = status_colour(window.chat_panel.model, fresh_in_progress, "In progress")
    waiting = status_colour(window.chat_panel.model, fresh_waiting, "Waiting")
    long_in_progress = status_colour(window.chat_panel.model, 2, "In progress")  # since 2020: it stands out
    waiting_past_target = status_colour(window.chat_panel.model, 5, "Waiting")

    for colour in (in_progress, waiting, long_in_progress, waiting_past_target):
        assert contrast_ratio(colour, base) >= 4.5
    assert in_progress.hslHue() == pytest.approx(QColor("#1d4ed8").hslHue(), abs=2)
    assert waiting.hslHue() == pytest.approx(QColor("#b45309").hslHue(), abs=2)
    for alert in (long_in_progress, waiting_past_target):
        assert alert.hslHue() == pytest.approx(QColor(ALERT_COLOUR).hslHue(), abs=2)


def test_readable_on_lightens_a_dark_blue_on_a_dark_background_and_leaves_good_pairs_alone() -> None:
    blue, dark, white = QColor("#1d4ed8"), QColor("#17181a"), QColor("#ffffff")

    assert contrast_ratio(blue, dark) < 3
    assert contrast_ratio(readable_on(blue, dark), dark) >= 4.5
    assert readable_on(blue, white) == blue
