"""Opening the database as the window and the CLI do, and the schema commands of whoever administers it.

On opening, one SELECT reads the schema revision. A SQLite file (one manager's) that is behind is brought up to
date there and then; a PostgreSQL database (a team's) is never altered by a desktop: it is refused until its
administrator runs `arthur-desktop db upgrade`. A database a newer version made is refused on both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from services.errors import SchemaAhead, SchemaBehind
from services.sample_data.seed import database_holds_data, seed_if_empty
from services.storage.database import Database, connect, failing_opening, parse_database_url
from services.storage.grants import GrantsNeedPostgres, manager_grants
from services.storage.schema_version import HEAD, SchemaState, schema_state, stored_revision
from services.storage.unit_of_work import take_turns


def open_database(url: str, *, create_and_seed: bool = True) -> Database:
    """Open the database at url, bring a SQLite file up to date; by default seed a database that holds no data."""
    database = connect(url)
    try:
        with failing_opening(database):
            prepare_schema(database, seed=create_and_seed)
    except BaseException:
        database.dispose()
        raise
    return database


def prepare_schema(database: Database, *, seed: bool) -> bool:
    """Check the schema revision (upgrading a SQLite file); seed when asked and the database holds no data.
    True when it seeded."""
    _check_schema(database)
    if not seed:
        return False
    with database.unit_of_work() as uow:
        if database_holds_data(uow.session):  # every opening but the first: a read, no lock
            return False
    with database.unit_of_work() as uow:
        take_turns(uow.session.connection())  # two first openings at once: one seeds, the other sees its rows
        seeded = seed_if_empty(uow.session)
        uow.commit()
    return seeded


def upgrade_database(url: str) -> tuple[SchemaState, str]:
    """`db upgrade`: the state before and the revision after (this version's)."""
    from services.storage.schema_migration import upgrade_schema  # deferred: Alembic is needed only here

    database = connect(url)
    try:
        with failing_opening(database):
            done = upgrade_schema(database.engine, database.display_url)
    finally:
        database.dispose()
    return done.before, done.after


def upgrade_database_sql(url: str) -> str:
    """`db upgrade --sql`: what `db upgrade` would run on this database, from its revision, changing nothing."""
    from services.storage.schema_migration import upgrade_sql

    status = database_status(url)
    if status.state.ahead:
        raise SchemaAhead(status.display_url, status.state.stored or "", HEAD)
    return "" if status.state.current else upgrade_sql(status.dialect, status.state)


@dataclass(frozen=True)
class DatabaseStatus:
    display_url: str
    dialect: str
    state: SchemaState


def database_status(url: str) -> DatabaseStatus:
    """`db status`: the database's schema revision, read without changing anything (not even making a file)."""
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        return DatabaseStatus(parsed.render_as_string(hide_password=True), "sqlite", SchemaState(None, None))
    database = connect(url)
    try:
        with failing_opening(database), database.engine.connect() as connection:
            return DatabaseStatus(database.display_url, database.dialect, schema_state(connection))
    finally:
        database.dispose()


def grant_manager(url: str, role: str, *, apply: bool) -> list[str]:
    """`db grant ROLE`: the manager's grants (services.storage.grants), applied when asked (run as the owner);
    the schema must be at this version's revision, so that every table they name exists."""
    database = connect(url)
    try:
        if database.dialect != "postgresql":
            raise GrantsNeedPostgres()
        with failing_opening(database), database.engine.connect() as connection:
            state = schema_state(connection)
            if state.ahead:
                raise SchemaAhead(database.display_url, state.stored or "", HEAD)
            if not state.current:
                raise SchemaBehind(database.display_url, state.shown, HEAD)
            with connection.begin():
                statements = manager_grants(connection, role)
                if apply:
                    for statement in statements:
                        connection.execute(text(statement))
    finally:
        database.dispose()
    return statements


def _check_schema(database: Database) -> None:
    with database.engine.connect() as connection:
        if stored_revision(connection) == HEAD:
            return
        state = schema_state(connection)
    if state.ahead:
        raise SchemaAhead(database.display_url, state.stored or "", HEAD)
    if database.dialect == "postgresql":
        raise SchemaBehind(database.display_url, state.shown, HEAD)
    from services.storage.schema_migration import upgrade_schema

    upgrade_schema(database.engine, database.display_url)
