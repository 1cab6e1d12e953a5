"""The window's days are the computer's local days, and the status bar says which time zone times are in."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pytestqt.qtbot import QtBot

from arthur_desktop.widgets.date_range_filter import DateRangeFilter
from arthur_desktop.widgets.status_bar import AppStatusBar
from services.results import TimeWindow


def test_presets_and_custom_ranges_are_local_days(qtbot: QtBot) -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    dates = DateRangeFilter(today=lambda: date(2024, 6, 2), zone=kolkata)
    qtbot.addWidget(dates)

    dates.set_preset("Today")
    today = dates.time_window()
    dates.set_custom_range(date(2024, 3, 31), date(2024, 4, 1))
    custom = dates.time_window()

    assert today == TimeWindow(datetime(2024, 6, 1, 18, 30), datetime(2024, 6, 2, 18, 30))
    assert custom == TimeWindow(datetime(2024, 3, 30, 18, 30), datetime(2024, 4, 1, 18, 30))


def test_the_last_seven_days_end_at_the_next_local_midnight_across_a_clock_change(qtbot: QtBot) -> None:
    dates = DateRangeFilter(today=lambda: date(2024, 3, 31), zone=ZoneInfo("Europe/Dublin"))
    qtbot.addWidget(dates)
    dates.set_preset("Last 7 days")

    assert dates.time_window() == TimeWindow(datetime(2024, 3, 25), datetime(2024, 3, 31, 23))


def test_the_status_bar_names_the_time_zone_tz_chooses(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TZ", "America/St_Johns")
    status = AppStatusBar("sqlite:///x.db", "folder")
    qtbot.addWidget(status)

    assert status.client_label.text().startswith("Client: folder · times: America/St_Johns (N")
