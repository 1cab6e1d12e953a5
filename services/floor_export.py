"""CSV exports of the trend and of the busiest times, written as the window's other exports are (services.export):
numbers as numbers, times in ISO 8601 with their UTC offset, an empty field for no value, into a hidden file
renamed at the end."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from pathlib import Path

from services.export import _atomic_csv, seconds_value
from services.floor_results import HeatmapCell, TrendPoint

TREND_HEADERS = ("Period start", "Chats created", "Chats handled", "Service level (%)", "Median handling (s)")
BUSIEST_HEADERS = ("Weekday", "Hour", "Chats created")


def export_trend_csv(points: Sequence[TrendPoint], path: Path) -> int:
    """One row per local day or hour; returns the number of rows written."""
    with _atomic_csv(path) as writer:
        writer.writerow(list(TREND_HEADERS))
        for point in points:
            level = "" if point.service_level_percent is None else point.service_level_percent
            writer.writerow(
                [
                    point.period_start.isoformat(),
                    point.chats_created,
                    point.chats_handled,
                    level,
                    seconds_value(point.median_handling_seconds),
                ]
            )
    return len(points)


def export_busiest_times_csv(cells: Sequence[HeatmapCell], path: Path) -> int:
    """One row per local weekday and hour (Monday 00:00 first); returns the number of rows written."""
    with _atomic_csv(path) as writer:
        writer.writerow(list(BUSIEST_HEADERS))
        for cell in cells:
            writer.writerow([calendar.day_name[cell.weekday], cell.hour, cell.chats_created])
    return len(cells)
