"""The manager's role on a team's PostgreSQL: exactly what a desktop needs, granted by the owner of the schema.

A desktop reads the brief's tables, the outbox and the totals; sets chats.handle_end (End chat); writes the outbox
(deliveries, with its id sequence) and the reports it shares with the other desktops (shared_reports); and LISTENs
for live changes, which needs no grant. The totals that ending a chat changes are written by the triggers with their
owner's rights (revision 0006_definer_rights), never by the role.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from services.errors import ArthurError

MANAGER_READS = (
    "alembic_version",  # each opening checks the schema's revision
    "users",
    "chats",
    "messages",
    "deliveries",
    "agent_day_totals",
    "agent_day_figures",
    "agent_value_buckets",
    "day_value_buckets",
    "slot_counts",
    "agent_running_buckets",
    "shared_reports",
)
OUTBOX_SEQUENCE = "deliveries_delivery_id_seq"


class UnknownRole(ArthurError):
    def __init__(self, role: str) -> None:
        super().__init__(f"There is no role {role!r} on this server; create it first (CREATE ROLE ... LOGIN).")
        self.role = role


class GrantsNeedPostgres(ArthurError):
    def __init__(self) -> None:
        super().__init__("Roles and grants are PostgreSQL's; a SQLite file is guarded by its folder's permissions.")


def manager_grants(connection: Connection, role: str) -> list[str]:
    """The GRANT statements for role, in this database and the schema holding the tables."""
    if connection.dialect.name != "postgresql":
        raise GrantsNeedPostgres()
    if connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}).first() is None:
        raise UnknownRole(role)
    database, schema = connection.execute(text("SELECT current_database(), current_schema()")).one()
    quote = connection.dialect.identifier_preparer.quote
    who = quote(role)
    return [
        f"GRANT CONNECT ON DATABASE {quote(database)} TO {who}",
        f"GRANT USAGE ON SCHEMA {quote(schema)} TO {who}",
        f"GRANT SELECT ON {', '.join(MANAGER_READS)} TO {who}",
        f"GRANT UPDATE (handle_end) ON chats TO {who}",
        f"GRANT INSERT, UPDATE ON deliveries TO {who}",
        f"GRANT INSERT, UPDATE ON shared_reports TO {who}",
        f"GRANT USAGE ON SEQUENCE {OUTBOX_SEQUENCE} TO {who}",
    ]
