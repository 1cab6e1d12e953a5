"""What whoever administers a database does, as the tests need it."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from services.database import upgrade_database
from services.storage.schema_migration import upgrade_schema


def upgraded_by_its_administrator(url: str) -> None:
    """A PostgreSQL database is brought up to date by its administrator (`arthur-desktop db upgrade`) before the
    desktops open it; a SQLite file needs nothing: the desktop brings it up to date on opening."""
    if make_url(url).get_backend_name() == "postgresql":
        upgrade_database(url)


def made_by_a_version_before_the_revisions(url: str, layout: str) -> None:
    """The tables as the last version before the schema revisions left a database of that layout: the revisions'
    own steps up to it (each revision is one such layout), without the record of a revision."""
    engine = create_engine(url)
    try:
        upgrade_schema(engine, url, target=layout)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))
    finally:
        engine.dispose()
