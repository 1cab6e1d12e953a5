"""Alembic's entry: run the revisions on the connection services.storage.schema_migration hands over (online),
or write their SQL for the dialect it names (offline, `arthur-desktop db upgrade --sql`)."""

from __future__ import annotations

from alembic import context

from services.storage.models import Base


def run() -> None:
    attributes = context.config.attributes
    if context.is_offline_mode():
        context.configure(
            dialect_name=attributes["dialect"],
            output_buffer=attributes["output"],
            literal_binds=True,
            transactional_ddl=True,
            target_metadata=Base.metadata,
        )
    else:
        # The caller holds the transaction (and its lock): Alembic runs inside it and commits nothing itself.
        context.configure(connection=attributes["connection"], transactional_ddl=True, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()


run()
