"""Which schema revision a database is at, read cheaply on every opening (no Alembic import).

The revisions are services.storage.migrations; this version's are listed here in order (a test holds the list to
the revision files). A database made before the revisions has no alembic_version table: its layout is recognised
from its tables and columns, each layout being one revision (LAYOUTS), and it is recorded at that revision
before the later ones run.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError

REVISIONS = (
    "0001_brief_tables",
    "0002_outbox_and_search",
    "0003_day_totals",
    "0004_claim_holder",
    "0005_live_floor",
    "0006_definer_rights",
    "0007_running_buckets",
    "0008_shared_reports",
)
HEAD = REVISIONS[-1]
NO_REVISION = "none"  # how status shows a database without one
_READ_STORED = text("SELECT version_num FROM alembic_version")


@dataclass(frozen=True)
class SchemaState:
    """stored: the revision recorded in the database (None: none recorded); layout: stored, or the revision a
    database made before the revisions matches (None: no tables of Arthur's at all)."""

    stored: str | None
    layout: str | None

    @property
    def current(self) -> bool:
        return self.stored == HEAD

    @property
    def ahead(self) -> bool:
        """Recorded by a newer version: a revision this one does not know."""
        return self.stored is not None and self.stored not in REVISIONS

    @property
    def shown(self) -> str:
        if self.stored is not None:
            return self.stored
        if self.layout is None:
            return f"{NO_REVISION} (no tables yet)"
        return f"{NO_REVISION} (made before revisions; its tables are those of {self.layout})"


def stored_revision(connection: Connection) -> str | None:
    """The one SELECT an opening costs when the database is up to date; None when no revision is recorded.

    It runs in a transaction of its own, which it ends: on PostgreSQL a missing table aborts the transaction.
    """
    try:
        with connection.begin():
            return connection.execute(_READ_STORED).scalar()
    except (OperationalError, ProgrammingError) as exc:
        if not _is_missing_table(exc):
            raise
        return None


def schema_state(connection: Connection) -> SchemaState:
    stored = stored_revision(connection)
    if stored is not None:
        return SchemaState(stored, stored)
    with connection.begin():
        return SchemaState(None, detected_layout(connection))


def detected_layout(connection: Connection) -> str | None:
    """The revision whose layout a database without a recorded revision has; None for one without the brief's
    tables. Every version before the revisions brought a database it opened to its whole layout, so the newest
    feature present names it."""
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())
    if not {"users", "chats", "messages"} <= tables:
        return None
    if "deliveries" not in tables:
        return "0001_brief_tables"
    if "agent_day_totals" not in tables:
        return "0002_outbox_and_search"
    if "claimed_by" not in {c["name"] for c in inspector.get_columns("deliveries")}:
        return "0003_day_totals"
    if "wait_seconds" not in {c["name"] for c in inspector.get_columns("chats")}:
        return "0004_claim_holder"
    return "0005_live_floor"


def _is_missing_table(exc: OperationalError | ProgrammingError) -> bool:
    if type(exc.orig).__name__ == "UndefinedTable":  # psycopg's, without importing the driver here
        return True
    return "no such table" in str(exc.orig)
