"""What the trends tab draws and says: period labels, axis tops, and the figures of a period or an hour of the
week in words (for the details line, tooltips and screen readers). No Qt here."""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from services.floor_results import HeatmapCell, ServiceLevelTarget, TrendPoint, TrendStep
from services.formatting import NO_VALUE, format_duration

CREATED = "Created"
HANDLED = "Handled"
SERVICE_LEVEL = "Service level"
MEDIAN_HANDLING = "Median handling (min)"
LABEL_GAP = 16  # pixels between two period labels
NO_TREND = "No chat was created or ended in this period."


def step_of(points: Sequence[TrendPoint]) -> TrendStep:
    """Hours when no period is longer than an hour (the first and last are cut to the window), else days."""
    longest = max((p.period_end - p.period_start for p in points), default=timedelta())
    return TrendStep.HOUR if points and longest <= timedelta(hours=1) else TrendStep.DAY


def period_label(start: datetime, step: TrendStep, *, with_day: bool, with_year: bool) -> str:
    """Under a period's bars: '29 Sep' (or '29 Sep 2020'); an hour as '14:00' (or 'Tue 14:00')."""
    if step is TrendStep.HOUR:
        return start.strftime("%a %H:%M" if with_day else "%H:%M")
    return start.strftime("%d %b %Y" if with_year else "%d %b").lstrip("0")


def axis_labels(points: Sequence[TrendPoint], width: int, measure: Callable[[str], int]) -> dict[int, str]:
    """Which periods get a label (every so many, so that labels measure(text) pixels wide fit in width pixels)
    and what it says; a label that would repeat one already shown (a repeated hour when the clocks go back) is
    left out."""
    if not points:
        return {}
    step = step_of(points)
    first, last = points[0].period_start, points[-1].period_start
    with_day = first.date() != last.date()
    with_year = first.year != last.year
    texts = [period_label(p.period_start, step, with_day=with_day, with_year=with_year) for p in points]
    room = max(measure(texts[0]), measure(texts[-1])) + LABEL_GAP
    every = max(1, math.ceil(len(points) * room / max(width, 1)))
    if step is TrendStep.HOUR:
        every = next((n for n in (1, 2, 3, 4, 6, 8, 12, 24) if n >= every), every)
    labels: dict[int, str] = {}
    for index in range(0, len(points), every):
        if texts[index] not in labels.values():
            labels[index] = texts[index]
    return labels


def count_axis(highest: int, *, ticks: int = 5) -> tuple[int, int]:
    """A top for the chats axis, a whole number of chats per tick, and how many ticks (including 0)."""
    rough = max(highest, 1) / (ticks - 1)
    power = 10 ** max(0, math.floor(math.log10(rough)))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    top = max(step, math.ceil(highest * 1.05 / step) * step)  # the highest bar stays below the top
    return top, top // step + 1


def describe_period(point: TrendPoint, step: TrendStep) -> str:
    """One line: 'Tue 29 Sep 2020: 6 chats created, 3 handled, service level 33.3 %, median handling time 5m 00s'."""
    return f"{period_heading(point, step)}: " + ", ".join(period_figures(point))


def period_tooltip(point: TrendPoint, step: TrendStep) -> str:
    return "\n".join([period_heading(point, step), *(f"{line[0].upper()}{line[1:]}" for line in period_figures(point))])


def period_heading(point: TrendPoint, step: TrendStep) -> str:
    heading = point.period_start.strftime("%a %d %b %Y").replace(" 0", " ", 1)
    if step is TrendStep.HOUR:
        heading += f", {point.period_start:%H:%M} to {point.period_end:%H:%M}"
    return heading


def period_figures(point: TrendPoint) -> list[str]:
    created = "1 chat" if point.chats_created == 1 else f"{point.chats_created} chats"
    return [
        f"{created} created",
        f"{point.chats_handled} handled",
        f"service level {percent(point.service_level_percent)}",
        f"median handling time {format_duration(point.median_handling_seconds)}",
    ]


def percent(value: float | None) -> str:
    return NO_VALUE if value is None else f"{value:g} %"


def trend_caption(step: TrendStep, zone_text: str, target: ServiceLevelTarget) -> str:
    per = "hour" if step is TrendStep.HOUR else "day"
    return (
        f"Per {per}, local time ({zone_text}). Service level: chats picked up within {target.target_seconds} s "
        f"(goal {target.goal_percent:g} %)."
    )


def describe_cell(cell: HeatmapCell) -> str:
    """'Tuesday 14:00 to 15:00: 6 chats created' (for the tooltip and screen readers)."""
    count = {0: "no chats", 1: "1 chat"}.get(cell.chats_created, f"{cell.chats_created} chats")
    return f"{calendar.day_name[cell.weekday]} {cell.hour:02d}:00 to {(cell.hour + 1) % 24:02d}:00: {count} created"


def compact_count(value: int) -> str:
    """A count that fits a heatmap cell: 999, 1.2k, 12k, 1.2M; zero stays blank (the tooltip says none)."""
    if value == 0:
        return ""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if value >= size:
            scaled = value / size
            return f"{scaled:.1f}{suffix}" if scaled < 9.95 else f"{round(scaled)}{suffix}"
    return str(value)


def busiest_caption(cells: Sequence[HeatmapCell], zone_text: str) -> str:
    busiest = max(cells, key=lambda c: c.chats_created, default=None)
    if busiest is None or busiest.chats_created == 0:
        return f"No chat was created in this period. Local weekdays and hours ({zone_text})."
    return (
        f"Chats created per local weekday and hour ({zone_text}). Busiest: "
        f"{calendar.day_name[busiest.weekday]} {busiest.hour:02d}:00, {busiest.chats_created} chats."
    )
