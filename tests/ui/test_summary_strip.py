"""The summary strip above the performance table, read as a person reads it, on the seed data.

Figures worked out by hand from the seed's timestamps (tests/integration/test_floor_seed.py has the sums), for all
time with a target of 180 s and a goal of 80 %, at 09:10:20 on the seed's day (ten minutes after the last chat was
created): 6 created, 3 handled (chats 1, 3, 4), 1 in progress (chat 2), 2 waiting (chats 5 and 6; chat 6 since
08:50:20, so 20 minutes); waits 300, 120, 120, 240 s: average 195 s = 3m 15s, median 180 s = 3m 00s; first
responses 60, 120, 120, 120 s: average 105 s = 1m 45s, median 120 s = 2m 00s; handling 300, 180, 600 s: average
360 s = 6m 00s, median 300 s = 5m 00s; service level: chats 2 and 3 picked up within 180 s, of the 4 picked up and
the 2 waiting past the target: 2 of 6 = 33.3 %, below the goal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import event, text
from test_dark_palette import DARK, LIGHT

from arthur_desktop.main_window import MainWindow
from arthur_desktop.palette import contrast_ratio
from arthur_desktop.widgets import summary_strip
from seed_data import add_chat
from window_helpers import OpenWindow, write_config

SEED_NOW = datetime(2020, 9, 29, 9, 10, 20, 540957)
SEED_FIGURES = {
    "Chats created": "6",
    "Chats handled": "3",
    "In progress": "1",
    "Waiting now": "2 · longest 20m 00s",
    "Service level (3m 00s)": "33.3 % · below goal 80 %",
    "Wait (avg)": "3m 15s · median 3m 00s",
    "First response (avg)": "1m 45s · median 2m 00s",
    "Handling time (avg)": "6m 00s · median 5m 00s",
}


class FakeClock:
    """Stands in for the strip's clock (naive UTC, like utc_now); the strip's timer still ticks in real time."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(SEED_NOW)
    monkeypatch.setattr(summary_strip, "utc_now", fake)
    return fake


@pytest.fixture
def target_config(tmp_path: Path, output_folder: Path) -> Path:
    return write_config(
        tmp_path,
        f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{output_folder}"\n'
        "[service_level]\ntarget_seconds = 180\ngoal_percent = 80\n",
    )


def strip_tiles(window: MainWindow) -> list[QFrame]:
    strip = window.findChild(QFrame, "summaryStrip")
    assert strip is not None and strip.isVisible()
    return sorted(strip.findChildren(QFrame, "summaryTile"), key=lambda tile: (tile.y(), tile.x()))


def tile_lines(tile: QFrame) -> list[str]:
    """The tile's visible lines, top to bottom."""
    labels = sorted(tile.findChildren(QLabel), key=lambda label: label.y())
    return [label.text() for label in labels if label.isVisible() and label.text()]


def strip_reads(window: MainWindow) -> dict[str, str]:
    """Each tile's caption and then what it says, the way a person reads the strip: row by row, left to right."""
    lines = [tile_lines(tile) for tile in strip_tiles(window)]
    return {caption: " · ".join(rest) for caption, *rest in lines}


def tile_captioned(window: MainWindow, caption: str) -> QFrame:
    return next(tile for tile in strip_tiles(window) if tile_lines(tile)[0] == caption)


def value_colours(window: MainWindow, caption: str) -> tuple[QColor, QColor]:
    """On a screenshot of the window, the tile's figure: its background and its text colour (the pixel that
    stands out most from the background)."""
    tile = tile_captioned(window, caption)
    label = sorted(tile.findChildren(QLabel), key=lambda label: label.y())[1]
    shot = window.grab().toImage().convertToFormat(QImage.Format.Format_ARGB32)
    area = shot.copy(QRect(label.mapTo(window, QPoint(0, 0)), label.size()))
    counts = Counter(area.pixel(x, y) for y in range(area.height()) for x in range(area.width()))
    background = QColor.fromRgb(counts.most_common(1)[0][0])
    text = max((QColor.fromRgb(c) for c in counts), key=lambda c: contrast_ratio(c, background))
    return background, text


def is_red(colour: QColor) -> bool:
    return colour.red() > colour.green() + 60 and colour.red() > colour.blue() + 60


def test_the_strip_shows_the_seed_figures_worked_out_by_hand(
    open_window: OpenWindow, target_config: Path, clock: FakeClock
) -> None:
    window = open_window(target_config)

    assert strip_reads(window) == SEED_FIGURES
    level = tile_captioned(window, "Service level (3m 00s)")
    assert level.accessibleName() == "Service level (3m 00s): 33.3 %, below goal 80 %"
    assert "2 of 6 chats picked up within 3m 00s; goal 80 %." in level.toolTip()


def test_the_strip_counts_the_service_level_at_the_moment_it_shows(
    open_window: OpenWindow, target_config: Path, clock: FakeClock
) -> None:
    clock.now = datetime(2020, 9, 29, 8, 57, 20, 540957)  # chat 5 has waited 2 minutes: not yet decided

    window = open_window(target_config)

    reads = strip_reads(window)
    assert reads["Service level (3m 00s)"] == "40.0 % · below goal 80 %"  # 2 of 5
    assert reads["Waiting now"] == "2 · longest 7m 00s"


def test_the_longest_wait_ticks_every_second_without_asking_the_database(
    qtbot: QtBot, open_window: OpenWindow, target_config: Path, clock: FakeClock
) -> None:
    window = open_window(target_config)
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    engine = window.context.database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        clock.advance(1)
        qtbot.waitUntil(lambda: strip_reads(window)["Waiting now"] == "2 · longest 20m 01s", timeout=2500)
        clock.advance(59)
        qtbot.waitUntil(lambda: strip_reads(window)["Waiting now"] == "2 · longest 21m 00s", timeout=2500)
    finally:
        event.remove(engine, "before_cursor_execute", record)

    assert statements == []
    assert strip_reads(window)["Service level (3m 00s)"] == SEED_FIGURES["Service level (3m 00s)"]


def test_once_nobody_waits_the_strip_says_so_and_stops_ticking(
    qtbot: QtBot, open_window: OpenWindow, target_config: Path, clock: FakeClock
) -> None:
    window = open_window(target_config)
    with window.context.database.engine.begin() as connection:  # another desktop picks chats 5 and 6 up
        connection.execute(
            text("UPDATE chats SET user_id = 2, handle_start = :at WHERE chat_id IN (5, 6)"), {"at": SEED_NOW}
        )

    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: strip_reads(window)["Waiting now"] == "0 · nobody waiting")

    assert strip_reads(window)["In progress"] == "3"
    assert not window.summary_strip.tick_timer.isActive()


@pytest.fixture(params=["dark", "light"])
def system_palette(request: pytest.FixtureRequest, qapp: QApplication, app_style: None) -> Iterator[str]:
    saved_palette = qapp.palette()
    palette = QPalette(saved_palette)
    for role, colour in (DARK if request.param == "dark" else LIGHT).items():
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    qapp.setPalette(palette)
    yield request.param
    qapp.setPalette(saved_palette)


def test_a_service_level_below_its_goal_is_red_and_readable_and_the_red_goes_when_the_goal_is_met(
    qtbot: QtBot, open_window: OpenWindow, target_config: Path, clock: FakeClock, system_palette: str
) -> None:
    window = open_window(target_config)
    caption = "Service level (3m 00s)"

    background, text = value_colours(window, caption)
    assert is_red(text), f"{text.name()} on {background.name()}"
    assert contrast_ratio(text, background) >= 4.5, f"{text.name()} on {background.name()}"

    # Another program records 20 chats picked up within a minute, the next day: 22 of 26 = 84.6 %.
    for minute in range(20):
        add_chat(window.context.database, user_id=1, start=datetime(2020, 9, 30, 10, minute), seconds=60)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: strip_reads(window)[caption] == "84.6 % · goal 80 % met")

    background, text = value_colours(window, caption)
    assert not is_red(text), f"{text.name()} on {background.name()}"
    assert contrast_ratio(text, background) >= 4.5

    window.performance_panel.date_filter.set_custom_range(date(2020, 9, 29), date(2020, 9, 29))
    qtbot.waitUntil(lambda: strip_reads(window)[caption] == "33.3 % · below goal 80 %")
    assert is_red(value_colours(window, caption)[1])


@pytest.mark.parametrize(("size", "rows"), [((1024, 640), 2), ((1920, 1080), 1)])
def test_the_strip_fits_its_tiles_in_rows_without_cutting_the_figures(
    qtbot: QtBot,
    open_window: OpenWindow,
    target_config: Path,
    clock: FakeClock,
    app_style: None,
    size: tuple[int, int],
    rows: int,
) -> None:
    window = open_window(target_config)
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    QApplication.processEvents()

    tiles = strip_tiles(window)
    assert len({tile.y() for tile in tiles}) == rows
    assert len({tile.width() for tile in tiles}) == 1
    for tile in tiles:
        for label in tile.findChildren(QLabel):
            assert label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width(), label.text()
    performance = window.performance_panel.table
    assert performance.viewport().height() >= 2 * performance.verticalHeader().defaultSectionSize()
