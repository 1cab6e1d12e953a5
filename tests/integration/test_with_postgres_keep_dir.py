"""scripts/with-postgres.sh with ARTHUR_PG_KEEP_DIR: the server's files outlive the run, so a benchmark database
generated once is there the next time; the server itself is stopped after each run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SQL = (
    "import os, sys; from sqlalchemy import create_engine, text; "
    "e = create_engine(os.environ['ARTHUR_TEST_POSTGRES_URL'], isolation_level='AUTOCOMMIT'); c = e.connect(); "
    "r = c.execute(text(sys.argv[1])); print(r.scalar() if r.returns_rows else '')"
)


@pytest.fixture
def keep_dir() -> Iterator[Path]:
    # Not under pytest's tmp_path: the postgres user must be able to reach it.
    folder = Path(tempfile.mkdtemp(prefix="arthur-pg-keep-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder / "server"
    shutil.rmtree(folder, ignore_errors=True)


def with_postgres(keep: Path, statement: str) -> str:
    environment = {**os.environ, "ARTHUR_PG_KEEP_DIR": str(keep)}
    command = [str(ROOT / "scripts" / "with-postgres.sh"), sys.executable, "-c", SQL, statement]
    finished = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120)
    assert finished.returncode == 0, finished.stderr
    return finished.stdout.strip()


def test_a_database_made_in_one_run_is_there_in_the_next_and_the_server_is_stopped_after_each(
    keep_dir: Path,
) -> None:
    with_postgres(keep_dir, "CREATE DATABASE kept_for_later")

    assert not (keep_dir / "data" / "postmaster.pid").exists()
    assert with_postgres(keep_dir, "SELECT count(*) FROM pg_database WHERE datname = 'kept_for_later'") == "1"
    assert not (keep_dir / "data" / "postmaster.pid").exists()
