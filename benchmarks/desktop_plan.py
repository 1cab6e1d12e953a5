"""What a simulated desktop (benchmarks/desktop_sim.py) is told to do, what it counts, and its client."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

from integrations.base import DeliveryFailed, DeliveryReceipt
from integrations.transcript import Transcript


@dataclass(frozen=True)
class DesktopPlan:
    number: int
    url: str
    refresh_seconds: float
    start_at: float  # time.time() when this desktop opens
    measure_from: float  # refreshes that start earlier (the ramp) are not counted
    stop_at: float
    ends_every: float | None  # mean seconds between two ends; None: this manager ends no chat
    retries_every: float | None  # mean seconds between two presses of Retry all
    chart_shown: bool
    failing_share: float  # of deliveries, refused for now by the client (they wait for a retry)
    live_refreshes_all: bool  # as the window did before: every notice reloaded the performance table and chart
    share_reports: bool  # False: every desktop works every report out, as before services.shared_reports
    seed: int


@dataclass
class DesktopStats:
    refreshes: list[float] = field(default_factory=list)  # seconds each, from start to its last panel loaded
    chart_refreshes: list[float] = field(default_factory=list)  # those of them that loaded the chart too
    plain_refreshes: list[float] = field(default_factory=list)  # the others
    causes: dict[str, int] = field(default_factory=dict)  # timer, live, own
    by_cause: dict[str, list[float]] = field(default_factory=dict)  # the refreshes' seconds, per cause
    loads: dict[str, list[float]] = field(default_factory=dict)  # each panel's load, seconds from the refresh's start
    worked_out: list[float] = field(default_factory=list)  # the refreshes that worked a shared report out, seconds
    read_kept: list[float] = field(default_factory=list)  # those that loaded the reports and worked none out
    work_outs: dict[str, int] = field(default_factory=dict)  # per report: how many times it was worked out
    ends: int = 0
    refused_ends: int = 0  # another desktop ended the chat first: the window says so, no error
    retried: int = 0
    errors: list[str] = field(default_factory=list)


class BenchClient:
    """A client that answers at once (the client's own latency is not what is measured) and refuses a share for
    now, as an API briefly down does, so that some transcripts wait for a retry."""

    client = "savage_rentals"

    def __init__(self, failing_share: float, seed: int) -> None:
        self._failing_share = failing_share
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def render(self, transcript: Transcript) -> str:
        return f"{transcript.chat_id}:{len(transcript.text)}"

    def deliver(self, transcript: Transcript) -> DeliveryReceipt:
        with self._lock:
            refused = self._random.random() < self._failing_share
        if refused:
            raise DeliveryFailed("The client answered 503 Service Unavailable.", http_status=503)
        return DeliveryReceipt(http_status=200, response=self.render(transcript))

    def describe(self) -> str:
        return "benchmark client"

    def redact(self, text: str) -> str:
        return text
