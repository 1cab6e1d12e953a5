"""Opening the database as the window and the CLI do: bring its schema up to date and seed one that holds no data."""

from __future__ import annotations

from services.sample_data.seed import seed_if_empty
from services.storage.database import Database, connect, failing_opening
from services.storage.schema_upgrade import upgrade_schema


def open_database(url: str, *, create_and_seed: bool = True) -> Database:
    """Open the database at url and create what is missing; by default seed a database that holds no data."""
    database = connect(url)
    with failing_opening(database):
        prepare_schema(database, seed=create_and_seed)
    return database


def prepare_schema(database: Database, *, seed: bool) -> bool:
    """Create what is missing; seed when asked and the database holds no data. True when it seeded."""
    upgrade_schema(database.engine)
    if not seed:
        return False
    with database.unit_of_work() as uow:
        seeded = seed_if_empty(uow.session)
        uow.commit()
    return seeded
