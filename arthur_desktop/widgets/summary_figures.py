"""What the summary strip says: each tile's caption, figure and detail line, in words a manager reads aloud."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.floor_results import FloorSummary
from services.formatting import NO_VALUE, format_duration
from services.queue import waited_seconds

CREATED, HANDLED, IN_PROGRESS, WAITING, SERVICE_LEVEL, WAIT, FIRST_RESPONSE, HANDLING = (
    "created",
    "handled",
    "in-progress",
    "waiting",
    "service-level",
    "wait",
    "first-response",
    "handling",
)
TILES = (CREATED, HANDLED, IN_PROGRESS, WAITING, SERVICE_LEVEL, WAIT, FIRST_RESPONSE, HANDLING)
CAPTIONS = {
    CREATED: "Chats created",
    HANDLED: "Chats handled",
    IN_PROGRESS: "In progress",
    WAITING: "Waiting now",
    SERVICE_LEVEL: "Service level",
    WAIT: "Wait (avg)",
    FIRST_RESPONSE: "First response (avg)",
    HANDLING: "Handling time (avg)",
}
EXPLANATIONS = {
    CREATED: "Chats created in the period.",
    HANDLED: "Chats ended in the period.",
    IN_PROGRESS: "Chats picked up and not yet ended, now.",
    WAITING: "Chats nobody has picked up yet, now, and how long the first of them has waited.",
    SERVICE_LEVEL: "Of the chats created in the period, the share picked up within the target: a chat still "
    "waiting counts once it has waited longer than the target.",
    WAIT: "From the chat's creation to an agent picking it up, for the chats created in the period.",
    FIRST_RESPONSE: "From the customer's first message to the agent's first answer, for the chats created in "
    "the period.",
    HANDLING: "From an agent picking the chat up to its end, for the chats ended in the period.",
}
STRIP_TOOLTIP = (
    "Created, wait, first response and service level count the chats created in the period; handled and "
    "handling time the chats ended in it; in progress and waiting are as they stand now."
)
LOADING = "…"


@dataclass(frozen=True)
class TileText:
    value: str
    detail: str = ""
    below_goal: bool = False  # the service level misses its goal: the tile is coloured, and says so


def tile_texts(summary: FloorSummary, now: datetime) -> dict[str, TileText]:
    """Every tile's text for the summary; the longest wait as it stands at now."""
    return {
        CREATED: TileText(str(summary.chats_created)),
        HANDLED: TileText(str(summary.chats_handled)),
        IN_PROGRESS: TileText(str(summary.chats_in_progress)),
        WAITING: waiting_text(summary, now),
        SERVICE_LEVEL: service_level_text(summary),
        WAIT: _pair(summary.average_wait_seconds, summary.median_wait_seconds),
        FIRST_RESPONSE: _pair(summary.average_first_response_seconds, summary.median_first_response_seconds),
        HANDLING: _pair(summary.average_handling_seconds, summary.median_handling_seconds),
    }


def waiting_text(summary: FloorSummary, now: datetime) -> TileText:
    """How many wait, and for how long the first of them has waited by now (it keeps growing between loads)."""
    if not summary.chats_waiting:
        return TileText("0", "nobody waiting")
    longest = waited_seconds(summary.longest_waiting_since, now)
    return TileText(str(summary.chats_waiting), f"longest {format_duration(longest)}")


def service_level_text(summary: FloorSummary) -> TileText:
    goal = f"goal {summary.service_level_goal_percent:g} %"
    if summary.service_level_percent is None:
        return TileText(NO_VALUE, f"none decided yet · {goal}")
    value = f"{summary.service_level_percent:.1f} %"
    if summary.below_goal:
        return TileText(value, f"below {goal}", below_goal=True)
    return TileText(value, f"{goal} met")


def service_level_caption(summary: FloorSummary | None) -> str:
    if summary is None:
        return CAPTIONS[SERVICE_LEVEL]
    return f"{CAPTIONS[SERVICE_LEVEL]} ({format_duration(summary.service_level_target_seconds)})"


def service_level_tooltip(summary: FloorSummary) -> str:
    target = format_duration(summary.service_level_target_seconds)
    counted = f"{summary.answered_within_target} of {summary.service_level_chats} chats picked up within {target}"
    return f"{EXPLANATIONS[SERVICE_LEVEL]}\n{counted}; goal {summary.service_level_goal_percent:g} %."


def _pair(average: float | None, median: float | None) -> TileText:
    return TileText(format_duration(average), f"median {format_duration(median)}")
