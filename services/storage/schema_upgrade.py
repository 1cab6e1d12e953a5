"""Bring a database up to date: a new one, Arthur's own three tables, or one made by an older version.

Everything this version needs beside the brief's tables is added when missing: the tables (create_all adds
missing ones only), the columns added to Arthur Desktop's own tables since (nullable, so an ALTER TABLE adds
them on both engines), the generated handling_seconds and wait_seconds columns (SQLite can only add them as
VIRTUAL, which its indexes then store), the indexes, the day totals with their triggers, the first response
times and the live floor's totals with theirs (services.storage.first_response, .floor_totals), and the search
index. A database that
has it all is only read. Otherwise the changes are made in one transaction that holds a lock (SQLite's write
lock, a PostgreSQL advisory lock), so desktops opening the same database at the same moment take turns.
"""

from __future__ import annotations

import logging

from sqlalchemy import Column, Connection, Engine, Inspector, column, inspect, text
from sqlalchemy.schema import CreateColumn

from services.storage.day_totals import ensure_day_totals, has_day_total_triggers
from services.storage.first_response import has_first_response_triggers, install_first_response
from services.storage.floor_totals import has_floor_totals, install_floor_totals
from services.storage.models import Base
from services.storage.running_buckets import has_running_buckets, install_running_buckets
from services.storage.search_index import ensure_search_index, has_search_index
from services.storage.sql_time import seconds_between
from services.storage.unit_of_work import begin_now

log = logging.getLogger(__name__)

# Indexes of older versions that a wider one now serves.
_REPLACED_INDEXES = ("ix_chats_agent_handling", "ix_chats_handle_end", "ix_chats_created", "ix_chats_agent_created")
# Generated columns of chats and the times they are the difference of, in the order they were introduced.
_GENERATED = {"handling_seconds": ("handle_start", "handle_end"), "wait_seconds": ("created", "handle_start")}
_SCHEMA_LOCK_KEY = 0x4172_7468_7572_0001  # "Arthur" and 1: an advisory lock no other program should use


def upgrade_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        if schema_is_current(connection):
            return
    with engine.begin() as connection:
        _lock_schema(connection)
        log.info("Bringing %s up to date", engine.url.render_as_string(hide_password=True))
        Base.metadata.create_all(connection)
        for table_name, added in _missing_columns(inspect(connection)):
            _add_column(connection, table_name, added)
        present = {c["name"] for c in inspect(connection).get_columns("chats")}
        for name, (start, end) in _GENERATED.items():
            if name not in present:
                _add_generated_seconds(connection, name, start, end)
        if not has_first_response_triggers(connection):
            # Before the indexes holding the first responses exist: a million rows written once, not re-indexed.
            log.info("Working out the first response times")
            install_first_response(connection)
        for table in Base.metadata.sorted_tables:
            for index in table.indexes:
                index.create(connection, checkfirst=True)
        for name in _REPLACED_INDEXES:
            connection.execute(text(f"DROP INDEX IF EXISTS {name}"))
        ensure_day_totals(connection)
        if not has_floor_totals(connection):
            log.info("Building the live floor's totals")
            install_floor_totals(connection)
        if not has_running_buckets(connection):
            log.info("Building the agents' running duration buckets")
            install_running_buckets(connection)
        ensure_search_index(connection)


def schema_is_current(connection: Connection) -> bool:
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())
    if not set(Base.metadata.tables) <= tables:
        return False
    if not set(_GENERATED) <= {c["name"] for c in inspector.get_columns("chats")}:
        return False
    if _missing_columns(inspector):
        return False
    for table in Base.metadata.sorted_tables:
        present = {index["name"] for index in inspector.get_indexes(table.name)}
        if not {index.name for index in table.indexes} <= present or present & set(_REPLACED_INDEXES):
            return False
    return (
        has_day_total_triggers(connection)
        and has_first_response_triggers(connection)
        and has_floor_totals(connection)
        and has_running_buckets(connection)
        and has_search_index(connection)
    )


def _missing_columns(inspector: Inspector) -> list[tuple[str, Column[object]]]:
    """Plain columns of the tables that exist, as this version defines them, that the database lacks.

    The generated columns have their own step; the brief's own columns are never missing.
    """
    missing = []
    tables = set(inspector.get_table_names())
    for table in Base.metadata.sorted_tables:
        if table.name not in tables:
            continue
        present = {c["name"] for c in inspector.get_columns(table.name)}
        missing += [(table.name, c) for c in table.columns if c.name not in present and c.computed is None]
    return missing


def _add_column(connection: Connection, table_name: str, added: Column[object]) -> None:
    if not added.nullable:
        raise RuntimeError(f"{table_name}.{added.name} cannot be added to existing rows: it is NOT NULL")
    definition = CreateColumn(added).compile(dialect=connection.dialect)
    connection.execute(text(f"ALTER TABLE {table_name} ADD COLUMN {definition}"))


def _lock_schema(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})
    else:
        begin_now(connection, for_writing=True)


def _add_generated_seconds(connection: Connection, name: str, start: str, end: str) -> None:
    dialect = connection.dialect
    expression = seconds_between(column(start), column(end)).compile(
        dialect=dialect, compile_kwargs={"literal_binds": True}
    )
    kind = "DOUBLE PRECISION" if dialect.name == "postgresql" else "REAL"
    storage = "STORED" if dialect.name == "postgresql" else "VIRTUAL"
    connection.execute(text(f"ALTER TABLE chats ADD COLUMN {name} {kind} GENERATED ALWAYS AS ({expression}) {storage}"))
