"""Bring an existing database up to date: Arthur's own three tables, or one made by an older version.

create_all adds missing tables only. The generated handling_seconds column and the indexes the queries need
are added here when missing; SQLite can only add a generated column as VIRTUAL, which its indexes then store.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, column, inspect, text

from services.models import Base
from services.sql_time import seconds_between

log = logging.getLogger(__name__)

# Indexes of older versions that a wider one now serves.
_REPLACED_INDEXES = ("ix_chats_agent_handling", "ix_chats_handle_end")


def upgrade_schema(engine: Engine) -> None:
    if "handling_seconds" not in {c["name"] for c in inspect(engine).get_columns("chats")}:
        _add_handling_seconds(engine)
    for table in Base.metadata.sorted_tables:
        for index in table.indexes:
            index.create(engine, checkfirst=True)
    with engine.begin() as connection:
        for name in _REPLACED_INDEXES:
            connection.execute(text(f"DROP INDEX IF EXISTS {name}"))


def _add_handling_seconds(engine: Engine) -> None:
    log.info("Adding chats.handling_seconds to %s", engine.url.render_as_string(hide_password=True))
    expression = seconds_between(column("handle_start"), column("handle_end")).compile(
        dialect=engine.dialect, compile_kwargs={"literal_binds": True}
    )
    kind = "DOUBLE PRECISION" if engine.dialect.name == "postgresql" else "REAL"
    storage = "STORED" if engine.dialect.name == "postgresql" else "VIRTUAL"
    with engine.begin() as connection:
        connection.execute(
            text(f"ALTER TABLE chats ADD COLUMN handling_seconds {kind} GENERATED ALWAYS AS ({expression}) {storage}")
        )
