"""What the handling-time chart draws: which agents get a box, and how their figures read in words."""

from __future__ import annotations

import math

from services.distribution import AgentDistribution
from services.formatting import agent_label, format_duration

TOP_AGENTS = 20
SERIES_NAME = "Box: middle half of the chats · line: median · whiskers: shortest to 90th percentile"
NO_CHATS = "No chat ended in this period."
HINT = "Hover over a box, or select an agent in the performance table, to see the agent's figures."


def busiest_agents(
    rows: list[AgentDistribution], limit: int, selected_id: int | None = None
) -> list[AgentDistribution]:
    """The agents who handled the most chats, busiest first, and the selected agent even if not among them."""
    handled = sorted((r for r in rows if r.chats_handled), key=lambda r: (-r.chats_handled, label(r).casefold()))
    shown = handled[:limit]
    selected = next((r for r in handled[limit:] if r.user_id == selected_id), None)
    return [*shown, selected] if selected is not None else shown


def label(row: AgentDistribution) -> str:
    """The agent's name, or one that tells agents without a name apart (boxes are found by their label)."""
    return agent_label(row.name, row.user_id)


def box_minutes(row: AgentDistribution) -> tuple[float, float, float, float, float]:
    """Lower extreme, quartiles and median, upper extreme (the 90th percentile), in minutes."""
    values = (
        row.minimum_seconds,
        row.lower_quartile_seconds,
        row.median_seconds,
        row.upper_quartile_seconds,
        row.p90_seconds,
    )
    first, second, third, fourth, fifth = ((value or 0.0) / 60 for value in values)
    return first, second, third, fourth, fifth


def value_axis(highest_minutes: float, *, ticks: int = 5) -> tuple[float, int]:
    """A top for the minutes axis, a round step (1, 2 or 5 times a power of ten) above the highest value,
    and how many ticks (including 0) that gives."""
    rough = max(highest_minutes, 1.0) / (ticks - 1)
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    top = float(math.ceil(highest_minutes * 1.05 / step) * step or step)
    return top, round(top / step) + 1


def describe(row: AgentDistribution) -> str:
    """One line, for the label under the chart and for screen readers."""
    return f"{_heading(row)}: " + ", ".join(f"{name} {value}" for name, value in _figures(row))


def tooltip(row: AgentDistribution) -> str:
    return "\n".join([_heading(row), *(f"{name.capitalize()}: {value}" for name, value in _figures(row))])


def _heading(row: AgentDistribution) -> str:
    return f"{label(row)}, " + ("1 chat" if row.chats_handled == 1 else f"{row.chats_handled} chats")


def _figures(row: AgentDistribution) -> list[tuple[str, str]]:
    figures = (
        ("shortest", row.minimum_seconds),
        ("lower quartile", row.lower_quartile_seconds),
        ("median", row.median_seconds),
        ("upper quartile", row.upper_quartile_seconds),
        ("90th percentile", row.p90_seconds),
        ("longest", row.maximum_seconds),
    )
    return [(name, format_duration(value)) for name, value in figures]


def caption(rows: list[AgentDistribution], shown: list[AgentDistribution], limit: int) -> str:
    handled = sum(1 for r in rows if r.chats_handled)
    if not shown:
        return NO_CHATS
    if handled == 1:
        return "Handling time of chats ended in this period: the one agent who handled chats."
    if handled <= limit:
        return f"Handling time of chats ended in this period: all {handled} agents who handled chats, busiest first."
    extra = " and the selected agent" if len(shown) > limit else ""
    return (
        f"Handling time of chats ended in this period: the {limit} agents who handled the most chats "
        f"(of {handled}){extra}, busiest first. Select an agent in the table to add them."
    )
