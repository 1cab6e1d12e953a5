"""The busiest times against a brute-force count in a half-hour time zone, the CSV exports of the Trends tab
(what the chart and the heatmap show), and their colours in a light or a dark palette."""

from __future__ import annotations

import contextlib
import random
import subprocess
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from test_dark_palette import DARK, LIGHT, look
from test_export_in_window import SaveDialog, open_file_menu_and_press, read_rows
from trends_helpers import click_view, config_with_target_180, open_trends

from arthur_desktop.app import style_sheet
from arthur_desktop.main_window import MainWindow
from arthur_desktop.models.busiest_times_model import BusiestTimesModel
from arthur_desktop.palette import contrast_ratio, is_dark
from arthur_desktop.widgets.busiest_times_view import heat_colour, readable_text
from floor_reference import heatmap, load_chats
from seed_data import SEED_DAY, add_chat
from services.floor_results import HeatmapCell
from services.results import TimeWindow
from window_helpers import OpenWindow, wait_until_idle

KOLKATA = ZoneInfo("Asia/Kolkata")  # UTC+05:30: every local hour straddles two UTC hours


@pytest.fixture
def target_180(tmp_path: Path, output_folder: Path) -> Path:
    return config_with_target_180(tmp_path, output_folder)


@pytest.fixture
def save_dialog(monkeypatch: pytest.MonkeyPatch) -> SaveDialog:
    dialog = SaveDialog()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    return dialog


@pytest.fixture(params=["dark", "light"])
def system_palette(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """The application as a person with this system palette sees it (as in test_dark_palette.py)."""
    saved_palette, saved_sheet = qapp.palette(), qapp.styleSheet()
    palette = QPalette(saved_palette)
    for role, colour in (DARK if request.param == "dark" else LIGHT).items():
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    qapp.setPalette(palette)
    qapp.setStyleSheet(style_sheet())
    yield request.param
    qapp.setStyleSheet(saved_sheet)
    qapp.setPalette(saved_palette)


def add_random_chats(window: MainWindow, count: int) -> None:
    """Chats created at random quarter-minutes over three weeks, so that many cells of the week are busy."""
    chance = random.Random(12)
    for _ in range(count):
        start = SEED_DAY + timedelta(minutes=chance.randrange(0, 21 * 24 * 60, 7))
        add_chat(window.context.database, user_id=chance.choice([1, 3]), start=start, seconds=chance.randrange(60, 900))


def test_the_heatmap_matches_a_brute_force_count_in_local_weekdays_and_hours(
    qtbot: QtBot,
    open_window: OpenWindow,
    target_180: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    window = open_window(target_180)
    add_random_chats(window, 60)
    panel = open_trends(qtbot, window)

    click_view(qtbot, panel, "Busiest times")

    expected = heatmap(load_chats(window.context.database), TimeWindow(), KOLKATA)
    model = panel.heatmap_model
    shown = {
        (row, column): model.index(row, column).data(Qt.ItemDataRole.UserRole).chats_created
        for row in range(7)
        for column in range(24)
    }
    assert shown == {(day, hour): expected.get((day, hour), 0) for day in range(7) for hour in range(24)}
    assert sum(shown.values()) == 66
    assert expected[(1, 14)] >= 6  # the seed's six chats: Tuesday 14:10 to 14:30 in India
    tuesday_two_pm = model.index(1, 14)
    assert tuesday_two_pm.data() == str(expected[(1, 14)])
    assert tuesday_two_pm.data(Qt.ItemDataRole.AccessibleTextRole) == (
        f"Tuesday 14:00 to 15:00: {expected[(1, 14)]} chats created"
    )
    assert model.headerData(1, Qt.Orientation.Vertical) == "Tue"
    assert panel.heatmap.isVisible() and panel.heatmap.objectName() == "busiestTimes"


def test_the_heatmap_follows_the_date_filter(qtbot: QtBot, open_window: OpenWindow, target_180: Path) -> None:
    window = open_window(target_180)
    add_chat(window.context.database, user_id=1, start=datetime(2020, 10, 2, 17, 31), seconds=60)  # Friday 17:30
    panel = open_trends(qtbot, window)
    click_view(qtbot, panel, "Busiest times")

    with qtbot.waitSignal(panel.loaded):
        window.performance_panel.date_filter.set_custom_range(date(2020, 10, 1), date(2020, 10, 3))

    busy = [(c.weekday, c.hour, c.chats_created) for c in panel.heatmap_model.cells if c.chats_created]
    assert busy == [(4, 17, 1)]
    assert panel.heatmap_caption.text().endswith("Busiest: Friday 17:00, 1 chats.")


def test_export_csv_writes_the_trend_the_chart_shows(
    qtbot: QtBot,
    open_window: OpenWindow,
    target_180: Path,
    save_dialog: SaveDialog,
    tmp_path: Path,
) -> None:
    window = open_window(target_180)
    panel = open_trends(qtbot, window)
    with qtbot.waitSignal(panel.loaded):
        window.performance_panel.date_filter.set_custom_range(date(2020, 9, 28), date(2020, 9, 30))
    save_dialog.answer = str(tmp_path / "trend.csv")

    with qtbot.waitSignal(window.exporter.exported) as done:
        qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)

    rows = read_rows(tmp_path / "trend.csv")
    chart = panel.chart
    levels = {round(p.x()): p.y() for p in chart.service_level.points()}
    medians = {round(p.x()): p.y() * 60 for p in chart.median_handling.points()}
    drawn = [
        [
            point.period_start.isoformat(),
            f"{chart.created.at(i):g}",
            f"{chart.handled.at(i):g}",
            f"{levels[i]:g}" if i in levels else "",
            f"{medians[i]:g}" if i in medians else "",
        ]
        for i, point in enumerate(panel.points)
    ]
    assert rows[1:] == drawn
    assert rows[1:] == [
        ["2020-09-28T00:00:00+00:00", "0", "0", "", ""],
        ["2020-09-29T00:00:00+00:00", "6", "3", "33.3", "300"],
        ["2020-09-30T00:00:00+00:00", "0", "0", "", ""],
    ]
    assert done.args == [f"Exported 3 days to {tmp_path / 'trend.csv'}."]
    assert save_dialog.asked[0][0] == "Export trend"


def test_file_export_busiest_times_writes_the_heatmaps_cells(
    qtbot: QtBot,
    open_window: OpenWindow,
    target_180: Path,
    save_dialog: SaveDialog,
    tmp_path: Path,
) -> None:
    window = open_window(target_180)
    panel = open_trends(qtbot, window)
    click_view(qtbot, panel, "Busiest times")
    save_dialog.answer = str(tmp_path / "busy")

    with qtbot.waitSignal(window.exporter.exported):
        open_file_menu_and_press(qtbot, window, Qt.Key.Key_B)  # File → Export busiest times…

    rows = read_rows(tmp_path / "busy.csv")
    model = panel.heatmap_model
    shown = [
        [model.headerData(r, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole), str(c), model.index(r, c).data()]
        for r in range(7)
        for c in range(24)
    ]
    assert rows[0] == ["Weekday", "Hour", "Chats created"]
    assert [[day, hour, count if count != "0" else ""] for day, hour, count in rows[1:]] == shown
    assert [row for row in rows[1:] if row[2] != "0"] == [["Tuesday", "8", "4"], ["Tuesday", "9", "2"]]


def test_exporting_the_trend_before_the_tab_was_shown_writes_the_chosen_period(
    qtbot: QtBot,
    open_window: OpenWindow,
    target_180: Path,
    save_dialog: SaveDialog,
    tmp_path: Path,
) -> None:
    window = open_window(target_180)
    window.performance_panel.date_filter.set_custom_range(date(2020, 9, 29), date(2020, 9, 29))
    wait_until_idle(qtbot, window)
    save_dialog.answer = str(tmp_path / "trend.csv")

    with qtbot.waitSignal(window.exporter.exported) as done:
        open_file_menu_and_press(qtbot, window, Qt.Key.Key_T)  # File → Export trend…

    rows = read_rows(tmp_path / "trend.csv")
    assert done.args == [f"Exported 24 hours to {tmp_path / 'trend.csv'}."]
    assert [row[1:3] for row in rows[1:] if row[1:3] != ["0", "0"]] == [["4", "1"], ["2", "2"]]
    panel = open_trends(qtbot, window)
    assert rows[1:] == [[p.period_start.isoformat(), *row[1:]] for p, row in zip(panel.points, rows[1:], strict=True)]
    assert [int(row[1]) for row in rows[1:]] == [p.chats_created for p in panel.points]


def test_a_trend_export_onto_a_full_disk_says_so_in_the_window_and_keeps_the_previous_file(
    qtbot: QtBot, open_window: OpenWindow, target_180: Path, save_dialog: SaveDialog, tmp_path: Path
) -> None:
    window = open_window(target_180)
    panel = open_trends(qtbot, window)
    with full_tmpfs(tmp_path / "disk") as disk:
        path = disk / "trend.csv"
        path.write_text("the previous export\n", "utf-8")
        with path.with_name("filler").open("wb", buffering=0) as filler, contextlib.suppress(OSError):
            while filler.write(b"\0" * 4096):
                pass
        save_dialog.answer = str(path)

        with qtbot.waitSignal(window.exporter.failed):
            qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)

        assert window.message_bar.messages() == [f"The export failed: Cannot write {path}: No space left on device."]
        assert path.read_text("utf-8") == "the previous export\n"
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "trend.csv"]
    assert panel.export_button.isEnabled() and window.window_actions.export_trend.isEnabled()


@contextlib.contextmanager
def full_tmpfs(mount_point: Path) -> Iterator[Path]:
    """A real 64 KiB tmpfs (as tests/integration/folder_testing.py mounts them), unmounted afterwards."""
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)


def test_the_trends_chart_and_heatmap_read_well_in_the_system_palette(
    qtbot: QtBot,
    open_window: OpenWindow,
    target_180: Path,
    system_palette: str,
) -> None:
    window = open_window(target_180)
    panel = open_trends(qtbot, window)
    chart_screen = window.grab().toImage()
    click_view(qtbot, panel, "Busiest times")
    heatmap_screen = window.grab().toImage()

    for screen, widget in ((chart_screen, panel.chart.view), (heatmap_screen, panel.heatmap.viewport())):
        background, best_contrast = look(screen, window, widget)
        assert is_dark(background) == (system_palette == "dark")
        assert best_contrast >= 7
    palette = QApplication.palette()
    base = palette.color(QPalette.ColorRole.Base)
    for share in (0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 1.0):
        cell = heat_colour(share, palette)
        assert contrast_ratio(readable_text(cell, palette), cell) >= 4.5, share
    assert heat_colour(0.0, palette) == base
    assert heat_colour(1.0, palette).hslHue() == pytest.approx(QColor("#2f6fd6").hslHue(), abs=3)
    assert contrast_ratio(heat_colour(1.0, palette), base) > contrast_ratio(heat_colour(0.5, palette), base) > 1.2


def test_the_busiest_times_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = BusiestTimesModel()
    model.set_cells([HeatmapCell(day, hour, day * hour) for day in range(7) for hour in range(24)])

    qtmodeltester.check(model, force_py=True)

    assert model.index(6, 23).data() == "138"
    assert model.index(0, 0).data() == ""  # none: blank, the tooltip says so
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "Monday 00:00 to 01:00: no chats created"
    assert model.rowCount(model.index(0, 0)) == 0 and model.data(QModelIndex()) is None
