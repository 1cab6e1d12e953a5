"""Where the benchmarks keep their generated databases, so that each reuses what another generated."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def database_url(engine: str, data_dir: Path, chats: int) -> str:
    """A SQLite file under data_dir, or a database of the server scripts/with-postgres.sh started (made if new)."""
    return _sqlite_url(data_dir, chats) if engine == "sqlite" else _postgres_url(chats)


def _sqlite_url(data_dir: Path, chats: int) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / f'arthur-{chats}.db'}"


def _postgres_url(chats: int) -> str:
    server = os.environ.get("ARTHUR_TEST_POSTGRES_URL")
    if not server:
        sys.exit("ARTHUR_TEST_POSTGRES_URL is not set: run through scripts/with-postgres.sh or scripts/benchmark.sh")
    name = f"arthur_bench_{chats}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)
