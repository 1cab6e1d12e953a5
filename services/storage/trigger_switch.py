"""Triggers switched off for a bulk load and on again after it, the same way for every database-kept total.

PostgreSQL disables and enables its triggers, which keeps readers unblocked (DROP TRIGGER would not) and leaves
their functions as the migrations made them (owned, with the owner's rights); SQLite drops its triggers, and the
caller creates them again when the load is done.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text


def disable_triggers(connection: Connection, postgres: Iterable[tuple[str, str]], sqlite: Iterable[str]) -> None:
    """postgres: (table, trigger) pairs; sqlite: trigger names."""
    if connection.dialect.name == "postgresql":
        for table, name in postgres:
            connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {name}"))
        return
    for name in sqlite:
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def enable_postgres_triggers(connection: Connection, postgres: Iterable[tuple[str, str]]) -> None:
    for table, name in postgres:
        connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {name}"))
