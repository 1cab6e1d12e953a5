"""Shared fixtures: a real database per test, on SQLite and on the PostgreSQL server of scripts/test.sh."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from services.database import open_database, upgrade_database
from services.storage.database import Database

# Property tests touch real folders: a busy CI machine must not turn a slow example into a failure.
settings.register_profile("arthur", deadline=None)
settings.load_profile("arthur")

POSTGRES_URL_ENV = "ARTHUR_TEST_POSTGRES_URL"
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(autouse=True, scope="session")
def user_data_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """This desktop's id and claim locks (services.process_claims) and the log file go under temporary folders,
    never into the real user's folders; subprocesses of the tests inherit them."""
    previous = {name: os.environ.get(name) for name in ("XDG_DATA_HOME", "XDG_STATE_HOME")}
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("user-data"))
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("user-state"))  # the log file
    yield
    for name, value in previous.items():
        if value is None:
            del os.environ[name]
        else:
            os.environ[name] = value


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a new database holding no data: a SQLite file under tmp_path (not there yet: the first opening
    makes it), or a fresh PostgreSQL database whose administrator has run `arthur-desktop db upgrade`."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'arthur.db'}"
    else:
        for url in _fresh_postgres_database():
            upgrade_database(url)
            yield url


@pytest.fixture(params=ENGINES)
def bare_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a new database without any table, for tests that write one as another program (or an older
    version) would: a SQLite file under tmp_path, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'arthur.db'}"
    else:
        yield from _fresh_postgres_database()


@pytest.fixture
def bare_postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database without any table, for what only PostgreSQL does."""
    yield from _fresh_postgres_database()


@pytest.fixture(scope="module")
def module_postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database without any table, shared by the tests of one module."""
    yield from _fresh_postgres_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'arthur.db'}"


@pytest.fixture
def postgres_database() -> Iterator[Database]:
    """The seed database on PostgreSQL only, for what only PostgreSQL has."""
    for url in _fresh_postgres_database():
        upgrade_database(url)
        db = open_database(url)
        yield db
        db.dispose()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """The seed database, on both engines."""
    db = open_database(database_url)
    yield db
    db.dispose()


def _fresh_postgres_database() -> Iterator[str]:
    server_url = os.environ.get(POSTGRES_URL_ENV)
    if not server_url:
        if os.environ.get("ARTHUR_REQUIRE_POSTGRES"):
            pytest.fail(f"{POSTGRES_URL_ENV} is not set; run the suite through scripts/test.sh")
        pytest.skip(f"no PostgreSQL server ({POSTGRES_URL_ENV} is not set)")
    name = f"arthur_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
