"""Steps the revisions share. Each works online (on the connection) and offline (as SQL text for a DBA)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from alembic import op
from sqlalchemy import Executable, column, text
from sqlalchemy.exc import DBAPIError

from services.storage.sql_time import seconds_between

log = logging.getLogger(__name__)

ENDED = "handle_end IS NOT NULL"
IN_PROGRESS = "handle_start IS NOT NULL AND handle_end IS NULL"
WAITING = "handle_start IS NULL AND handle_end IS NULL"


def dialect() -> str:
    return str(op.get_context().dialect.name)


def offline() -> bool:
    return bool(op.get_context().as_sql)


def run(statements: Iterable[str | Executable]) -> None:
    for statement in statements:
        op.execute(statement)


def index(name: str, table: str, columns: list[str], *, where: str | None = None) -> None:
    """IF NOT EXISTS: a database made before the revisions may hold some of a layout's indexes already."""
    condition = None if where is None else text(where)
    op.create_index(name, table, columns, if_not_exists=True, sqlite_where=condition, postgresql_where=condition)


def drop_indexes(*names: str) -> None:
    for name in names:
        op.execute(f"DROP INDEX IF EXISTS {name}")


def add_generated_seconds(name: str, start: str, end: str) -> None:
    """chats.name = end - start in seconds, kept by the database. SQLite adds a generated column to an existing
    table only as VIRTUAL (its indexes store the values); PostgreSQL only as STORED."""
    expression = seconds_between(column(start), column(end)).compile(
        dialect=op.get_context().dialect, compile_kwargs={"literal_binds": True}
    )
    kind, storage = ("DOUBLE PRECISION", "STORED") if dialect() == "postgresql" else ("REAL", "VIRTUAL")
    op.execute(f"ALTER TABLE chats ADD COLUMN {name} {kind} GENERATED ALWAYS AS ({expression}) {storage}")


def optional(statements: Iterable[str], what: str) -> None:
    """Statements a server may refuse (an extension it does not offer): online, a refusal is logged and the rest
    of the revision goes on (a savepoint undoes the part done); offline, the DBA sees them like any other."""
    if offline():
        run(statements)
        return
    connection = op.get_bind()
    try:
        with connection.begin_nested():
            for statement in statements:
                connection.execute(text(statement))
    except DBAPIError as exc:
        log.warning("No %s (%s); it is left out", what, exc.orig)


def no_downgrade() -> None:
    raise NotImplementedError("Arthur Desktop's revisions go forward only: restore a backup to go back.")
