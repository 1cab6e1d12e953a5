"""The reports a team's desktops share: the performance table, the summary strip and the handling-time chart.

Every window of a team refreshes them every refresh_seconds for the same periods, and each is a sum over every chat.
On PostgreSQL the first desktop to work one out keeps it (services.storage.shared_reports); another desktop whose
automatic refresh comes while it is younger than `reuse_seconds` reads it instead of adding the chats up again.
A desktop that wants the figures as they are now (F5, its own End chat, another period) passes reuse_seconds=0: it
works them out (claiming the work, so that the others meanwhile show the one before rather than work it out too) and
keeps them for the others. A SQLite file has one desktop: it works every report out itself.

A kept report that cannot be read (another program wrote it) or a role without the rights on the table only costs
the sharing: the desktop works the report out itself, as without it, and says so in its log once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from services.distribution import AgentDistribution, handling_time_distribution
from services.floor_results import FloorSummary, ServiceLevelTarget
from services.floor_summary import floor_summary
from services.performance import agent_performance
from services.report_codec import ReportUnreadable, decode_one, decode_rows, encode_one, encode_rows
from services.results import AgentPerformance, TimeWindow
from services.storage.database import Database
from services.storage.shared_reports import claim_work, read_shared, store_shared
from services.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
Report = TypeVar("Report")
REUSE_AT_MOST = 60.0  # seconds: a window opened on a team whose refresh is an hour still sees recent figures
LEASE_SECONDS = 30.0  # how long a claim to work a report out holds, should its desktop go away meanwhile
FORMAT = "1"  # in each key: a later version that changes a report's shape does not read this one's
_said: set[str] = set()
_WORKED_OUT_HERE = "each is worked out here (a role granted before revision 0008: run `db grant` again)"


def reuse_seconds_for(refresh_seconds: float) -> float:
    """How old a shared report an automatic refresh every refresh_seconds takes: half that, at most REUSE_AT_MOST,
    so the figures shown are never much older than the window's own refresh would make them (0: no automatic
    refresh, nothing reused)."""
    return max(0.0, min(refresh_seconds / 2, REUSE_AT_MOST))


def shared_agent_performance(
    database: Database, window: TimeWindow | None, reuse_seconds: float
) -> list[AgentPerformance]:
    return _shared(
        database,
        _key("agent_performance", window),
        reuse_seconds,
        lambda uow: agent_performance(uow, window),
        encode_rows,
        lambda text: decode_rows(text, AgentPerformance),
    )


def shared_floor_summary(
    database: Database,
    window: TimeWindow | None,
    target: ServiceLevelTarget,
    reuse_seconds: float,
    *,
    now: datetime | None = None,
) -> FloorSummary:
    return _shared(
        database,
        _key("floor_summary", window, f"{target.target_seconds}s/{target.goal_percent}%"),
        reuse_seconds,
        lambda uow: floor_summary(uow, window, target, now=now),
        encode_one,
        _summary,
    )


def shared_distribution(database: Database, window: TimeWindow | None, reuse_seconds: float) -> list[AgentDistribution]:
    return _shared(
        database,
        _key("handling_time_distribution", window),
        reuse_seconds,
        lambda uow: handling_time_distribution(uow, window),
        encode_rows,
        lambda text: decode_rows(text, AgentDistribution),
    )


def _summary(text: str) -> FloorSummary:
    return decode_one(text, FloorSummary)


def _key(report: str, window: TimeWindow | None, *more: str) -> str:
    start, end = (None, None) if window is None else (window.start, window.end)
    bounds = "/".join("open" if moment is None else moment.isoformat() for moment in (start, end))
    return "|".join((report, FORMAT, bounds, *more))


def _shared(
    database: Database,
    report: str,
    reuse_seconds: float,
    work_out: Callable[[UnitOfWork], Report],
    encode: Callable[[Report], str],
    decode: Callable[[str], Report],
) -> Report:
    uow = database.unit_of_work()
    if database.dialect != "postgresql":
        return work_out(uow)
    try:
        with uow:
            kept = read_shared(uow.session, report, reuse_seconds, LEASE_SECONDS)
            reusable = kept.payload if reuse_seconds > 0 and kept.recent else None
            older = None if reusable is None else _decoded(reusable, decode, report)
            if older is not None and (kept.young or kept.being_worked_out):
                return older  # young enough; or another desktop is working out the next: this one meanwhile
            # F5 and an own End chat claim the work too, so that the team shows the one before meanwhile
            mine = claim_work(uow.session, report, LEASE_SECONDS)
            uow.commit()
    except DBAPIError as exc:
        _say_once("read", f"Shared reports cannot be used ({type(exc.orig).__name__}); {_WORKED_OUT_HERE}")
        return work_out(uow)
    if not mine and older is not None:
        return older  # another desktop is working it out: the one before meanwhile
    result = work_out(uow)
    try:
        with uow:
            store_shared(uow.session, report, kept.moment, encode(result), claimed=mine)
            uow.commit()
    except DBAPIError as exc:
        _say_once("store", f"Shared reports cannot be kept ({type(exc.orig).__name__}); {_WORKED_OUT_HERE}")
    return result


def _decoded(payload: str, decode: Callable[[str], Report], report: str) -> Report | None:
    try:
        return decode(payload)
    except ReportUnreadable as exc:
        _say_once(report, f"A shared report could not be read ({exc}); it is worked out here and replaced")
        return None


def _say_once(what: str, message: str) -> None:
    if what not in _said:
        _said.add(what)
        log.warning(message)
