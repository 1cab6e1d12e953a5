"""The reports that every desktop of a team reads alike, kept for the others for a few seconds (PostgreSQL).

On a team's PostgreSQL every window adds up the same million chats for the same period at every automatic refresh;
with 200 desktops that was almost all of the server's time (benchmarks/desktops.py). The first desktop to work a
report out keeps it here, keyed by what it depends on, and the others read it while it is young enough. When it is
too old, one desktop claims the work for a while (working_until) and the others show the older one meanwhile, so
200 desktops do not all add the chats up at the same moment. The server's clock says how old a report is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

TABLE = "shared_reports"
REPORT_KEY_LENGTH = 400
_NOW = "(now() AT TIME ZONE 'UTC')"  # the transaction's start, UTC, as the other times here

# Columns (revision 0008): report, the key; computed_at, when the transaction that began the work began (UTC;
# None: never done); payload, the report as JSON (services.report_codec); working_until, the claim (UTC; None: none).
_READ = text(
    f"SELECT {_NOW}, payload, computed_at BETWEEN {_NOW} - make_interval(secs => :reuse) AND {_NOW}, "
    f"computed_at BETWEEN {_NOW} - make_interval(secs => :reuse + :lease) AND {_NOW}, "
    f"working_until BETWEEN {_NOW} AND {_NOW} + make_interval(secs => :lease) "
    f"FROM (SELECT 1) AS one LEFT JOIN {TABLE} ON report = :report"
)
# A claim never waits: a row another desktop is claiming or storing at this moment is skipped (SKIP LOCKED), as it
# will be worked out there. A claim longer than a lease is no desktop's and is taken over.
_CLAIM_NEW = text(
    f"INSERT INTO {TABLE} (report, working_until) VALUES (:report, {_NOW} + make_interval(secs => :lease)) "
    "ON CONFLICT (report) DO NOTHING RETURNING report"
)
_CLAIM = text(
    f"WITH free AS (SELECT report FROM {TABLE} WHERE report = :report AND (working_until IS NULL "
    f"OR working_until <= {_NOW} OR working_until > {_NOW} + make_interval(secs => :lease)) "
    "FOR UPDATE SKIP LOCKED) "
    f"UPDATE {TABLE} SET working_until = {_NOW} + make_interval(secs => :lease) FROM free "
    f"WHERE {TABLE}.report = free.report RETURNING {TABLE}.report"
)
# A newer report is never replaced by an older one (one dated in the future, which no desktop wrote, is); the
# claim ends with the work.
_STORE = text(
    f"INSERT INTO {TABLE} (report, computed_at, payload) VALUES (:report, :computed_at, :payload) "
    "ON CONFLICT (report) DO UPDATE SET computed_at = excluded.computed_at, payload = excluded.payload, "
    f"working_until = CASE WHEN :claimed THEN NULL ELSE {TABLE}.working_until END "
    f"WHERE {TABLE}.computed_at IS NULL OR {TABLE}.computed_at < excluded.computed_at "
    f"OR {TABLE}.computed_at > {_NOW} OR :claimed"
)


@dataclass(frozen=True)
class Kept:
    moment: datetime  # now, by the server's clock: a report worked out after this read is at least this recent
    payload: str | None  # the kept report (None: none)
    young: bool  # younger than the reuse asked for
    recent: bool  # younger than the reuse and a lease: good enough while another desktop works out the next
    being_worked_out: bool  # another desktop has claimed it


def read_shared(session: Session, report: str, reuse_seconds: float, lease_seconds: float) -> Kept:
    values = {"report": report, "reuse": reuse_seconds, "lease": lease_seconds}
    moment, payload, young, recent, claimed = session.execute(_READ, values).one()
    kept = payload is not None
    return Kept(moment, payload, bool(young and kept), bool(recent and kept), bool(claimed))


def claim_work(session: Session, report: str, lease_seconds: float) -> bool:
    """True: this desktop works the report out, and no other until it stores it or the lease runs out."""
    values = {"report": report, "lease": lease_seconds}
    if session.execute(_CLAIM_NEW, values).first() is not None:
        return True
    return session.execute(_CLAIM, values).first() is not None


def store_shared(session: Session, report: str, computed_at: datetime, payload: str, *, claimed: bool) -> None:
    session.execute(_STORE, {"report": report, "computed_at": computed_at, "payload": payload, "claimed": claimed})
