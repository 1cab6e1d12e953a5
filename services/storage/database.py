"""Choosing and opening the database: its URL, its engine and connections, its unit of work."""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from services.errors import DatabaseUnavailable, InvalidDatabaseUrl
from services.locations import DATABASE_URL_ENV, default_database_path
from services.storage.search_index import casefold
from services.storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 15_000
POSTGRES_CONNECT_TIMEOUT_S = 5
# Connections a desktop keeps to a PostgreSQL server besides its LISTEN one: a team's server carries every
# desktop's (README, "Many desktops on one server"). The window's four loads take turns on them.
POSTGRES_POOL_SIZE = 2
MAX_PORT = 65_535
_PASSWORD = re.compile(r"(://[^/@:]*:)[^/]*@")
_URL_FORMS = "use sqlite:///path.db, sqlite:// (in memory) or postgresql+psycopg://user@host:port/db."


def resolve_database_url(cli_value: str | None, environ: Mapping[str, str]) -> str:
    """The --database-url option wins, then ARTHUR_DATABASE_URL, then the file in the user's data folder.

    An empty option is a mistake (a variable that expanded to nothing), not a wish for the default; an
    empty ARTHUR_DATABASE_URL counts as unset, as is usual for environment variables.
    """
    if cli_value is not None:
        if not cli_value.strip():
            raise InvalidDatabaseUrl(f"--database-url is empty; {_URL_FORMS}")
        return cli_value
    if environ.get(DATABASE_URL_ENV):
        return environ[DATABASE_URL_ENV]
    return f"sqlite:///{default_database_path()}"


@dataclass(frozen=True)
class Database:
    engine: Engine
    session_factory: sessionmaker[Session]
    display_url: str
    # Only for an in-memory SQLite database: its single shared connection allows one transaction at a time.
    shared_connection_lock: threading.RLock | None = None

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, self.shared_connection_lock)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()


def parse_database_url(url: str) -> URL:
    """The URL, checked without connecting: every malformed part is an InvalidDatabaseUrl (a usage error)."""
    if not url.strip():
        raise InvalidDatabaseUrl(f"The database URL is empty; {_URL_FORMS}")
    if any(not character.isprintable() for character in url):
        raise InvalidDatabaseUrl(f"The database URL holds a control character; {_URL_FORMS}")
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        raise InvalidDatabaseUrl(f"'{without_password(url)}' is not a database URL; {_URL_FORMS}") from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        _check_server_address(url, parsed)
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if parsed.host or parsed.port is not None:
            raise InvalidDatabaseUrl(
                f"'{without_password(url)}': a SQLite URL names no host; use sqlite:////absolute/path.db."
            )
        # SQLite would open a folder literally named "~".
        return parsed.set(database=str(Path(parsed.database).expanduser())) if parsed.database else parsed
    raise InvalidDatabaseUrl(f"Database '{backend}' is not supported; use SQLite or PostgreSQL.")


def without_password(url: str) -> str:
    """The URL as typed, for messages, with any password replaced by ***: also one that does not parse."""
    return _PASSWORD.sub(r"\1***@", url)


def _check_server_address(url: str, parsed: URL) -> None:
    if parsed.port is not None and not 1 <= parsed.port <= MAX_PORT:
        raise InvalidDatabaseUrl(f"'{without_password(url)}': the port must be a number from 1 to {MAX_PORT}.")
    host = parsed.host or ""
    if any(character.isspace() for character in host):
        raise InvalidDatabaseUrl(f"'{without_password(url)}': the host name holds a space.")


def connect(url: str) -> Database:
    """Open the database at url, as it is (services.database brings its schema up to date)."""
    parsed = parse_database_url(url)
    try:
        engine = _create_engine(parsed)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise InvalidDatabaseUrl(f"'{without_password(url)}' cannot be opened: {_first_line(exc)}") from exc
    except OSError as exc:
        raise DatabaseUnavailable(f"Cannot create the folder for {without_password(url)}: {exc.strerror}.") from exc
    database = Database(
        engine=engine,
        session_factory=sessionmaker(engine, expire_on_commit=False),
        display_url=parsed.render_as_string(hide_password=True),
        shared_connection_lock=threading.RLock() if _is_in_memory(parsed) else None,
    )
    return database


@contextmanager
def failing_opening(database: Database) -> Iterator[None]:
    """Close the database and raise DatabaseUnavailable if what the block does on opening it fails."""
    try:
        yield
    except DBAPIError as exc:
        database.engine.dispose()
        raise DatabaseUnavailable(f"Cannot open the database {database.display_url}: {_first_line(exc.orig)}") from exc


def _create_engine(url: URL) -> Engine:
    if url.get_backend_name() == "postgresql":
        return create_engine(
            url,
            connect_args={"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S},
            pool_pre_ping=True,
            pool_size=POSTGRES_POOL_SIZE,
            max_overflow=0,
        )
    in_memory = _is_in_memory(url)
    if in_memory:
        # One shared connection, so every session (and worker thread) sees the same in-memory data.
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        Path(url.database or "").expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
    event.listen(engine, "connect", _configure_sqlite_connection(wal=not in_memory))
    return engine


def _is_in_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _configure_sqlite_connection(*, wal: bool) -> Any:
    def configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        # INSERT OR REPLACE then fires the delete triggers for the row it replaces (the day totals need it).
        cursor.execute("PRAGMA recursive_triggers = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        dbapi_connection.create_function("casefold", 1, casefold, deterministic=True)  # for the chat search
        if wal:
            _switch_to_wal(cursor)
        cursor.close()

    return configure


def _switch_to_wal(cursor: Any) -> None:
    """SQLite refuses the switch at once, without waiting out the busy timeout, while another connection holds the
    write lock: desktops opening a database made before WAL at the same moment would fail. So wait here."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
