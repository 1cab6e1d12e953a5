"""Frozen results of the live floor: the summary strip, the trend, the busiest times, and the service-level target.

Times are naive UTC like every stored time, except a trend's periods, which are local days or hours and carry
their zone. Durations are seconds; None means there was nothing to measure (never 0, which would read as instant).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

DEFAULT_TARGET_SECONDS = 60
DEFAULT_GOAL_PERCENT = 80.0
DEFAULT_LONG_CHAT_MINUTES = 30


@dataclass(frozen=True)
class ServiceLevelTarget:
    """X % of chats answered within Y seconds: target_seconds is Y, goal_percent the X to reach."""

    target_seconds: int = DEFAULT_TARGET_SECONDS
    goal_percent: float = DEFAULT_GOAL_PERCENT


@dataclass(frozen=True)
class FloorSummary:
    """The summary strip for a period. Created, wait, first response and service level count the chats created in
    the period; handled and handling time the chats ended in it; in progress and waiting are as they stand now."""

    chats_created: int
    chats_handled: int
    chats_in_progress: int
    chats_waiting: int
    longest_wait_seconds: float | None  # at as_of; None when nobody waits
    longest_waiting_since: datetime | None  # created of the chat waiting longest, to keep its wait ticking
    service_level_percent: float | None  # None when no chat is decided yet
    service_level_target_seconds: int
    service_level_goal_percent: float
    answered_within_target: int
    service_level_chats: int  # picked up, plus still waiting past the target
    average_wait_seconds: float | None
    median_wait_seconds: float | None
    average_first_response_seconds: float | None
    median_first_response_seconds: float | None
    average_handling_seconds: float | None
    median_handling_seconds: float | None
    as_of: datetime

    @property
    def below_goal(self) -> bool:
        return self.service_level_percent is not None and self.service_level_percent < self.service_level_goal_percent


class TrendStep(StrEnum):
    DAY = "day"
    HOUR = "hour"


@dataclass(frozen=True)
class TrendPoint:
    """One local day or hour: [period_start, period_end) in the manager's zone (aware datetimes)."""

    period_start: datetime
    period_end: datetime
    chats_created: int
    chats_handled: int
    service_level_percent: float | None
    median_handling_seconds: float | None


@dataclass(frozen=True)
class HeatmapCell:
    """Chats created in the period on this local weekday (0 Monday … 6 Sunday) in this local hour (0 … 23)."""

    weekday: int
    hour: int
    chats_created: int
