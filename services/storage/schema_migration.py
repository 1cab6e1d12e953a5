"""Running the revisions (services.storage.migrations) with Alembic: on a connection, or as SQL for a DBA.

One upgrade at a time per database: the whole chain runs in one transaction that first takes a lock (SQLite's
write lock, a PostgreSQL advisory lock), then reads the revision again, so that desktops or administrators doing it
at the same moment take turns and the second finds nothing left to do.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, text

from services.errors import SchemaAhead
from services.storage.schema_version import HEAD, SchemaState, detected_layout
from services.storage.unit_of_work import take_turns

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# What Alembic creates to record the revision, for a script that records a layout found before the revisions.
_VERSION_TABLE = (
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));\n"
)


@dataclass(frozen=True)
class Upgrade:
    before: SchemaState
    after: str


def upgrade_schema(engine: Engine, display_url: str, target: str = HEAD) -> Upgrade:
    """Bring the database to this version's revision (or to target, an earlier one: tests build the older
    layouts so); SchemaAhead for one a newer version made."""
    with engine.connect() as connection:
        with connection.begin():
            take_turns(connection)
            before = schema_state_in_transaction(connection)
            if before.ahead:
                raise SchemaAhead(display_url, before.stored or "", HEAD)
            if before.stored != target:
                log.info("Bringing %s from revision %s to %s", display_url, before.shown, target)
                _run_alembic(connection, before, target)
        return Upgrade(before, target)


def upgrade_sql(dialect: str, before: SchemaState) -> str:
    """The SQL that brings a database in state before to this version's revision, for a DBA to review and run."""
    output = io.StringIO()
    if before.stored is None and before.layout is not None:
        output.write(f"-- The tables were made before the revisions: recorded as {before.layout}\n{_VERSION_TABLE}")
        output.write(f"INSERT INTO alembic_version (version_num) VALUES ('{before.layout}');\n\n")
    config = _config()
    config.attributes.update(dialect=dialect, output=output)
    start = before.layout
    command.upgrade(config, f"{start}:{HEAD}" if start else HEAD, sql=True)
    return output.getvalue()


def schema_state_in_transaction(connection: Connection) -> SchemaState:
    """Inside the caller's transaction: on PostgreSQL reading a missing table would abort it, so look first."""
    if connection.dialect.has_table(connection, "alembic_version"):
        stored = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if stored is not None:
            return SchemaState(stored, stored)
    return SchemaState(None, detected_layout(connection))


def _run_alembic(connection: Connection, before: SchemaState, target: str) -> None:
    config = _config()
    config.attributes["connection"] = connection
    if before.stored is None and before.layout is not None:
        command.stamp(config, before.layout)
    command.upgrade(config, target)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config
