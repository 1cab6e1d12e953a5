"""Columns sharing a table's width by what matters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def share_widths(
    available: int, wanted: Mapping[int, int], least: Mapping[int, int], first: Sequence[int]
) -> dict[int, int]:
    """Column widths that fill the available width: each column gets its least, then the columns in first get up
    to what they want, then the others do, each group in proportion to what it lacks; what is left widens the
    columns in first. Less room than the least of all: the least (the table scrolls sideways)."""
    widths = dict(least)
    spare = available - sum(widths.values())
    for group in (first, [column for column in wanted if column not in first]):
        lacking = {column: max(0, wanted[column] - widths[column]) for column in group if column in wanted}
        total = sum(lacking.values())
        if spare <= 0 or total == 0:
            continue
        share = min(1.0, spare / total)
        for column, lack in lacking.items():
            widths[column] += int(lack * share)
        spare = available - sum(widths.values())
    growing = [column for column in first if column in widths]
    for position, column in enumerate(growing):
        if spare > 0:
            widths[column] += spare // len(growing) + (1 if position < spare % len(growing) else 0)
    return widths
