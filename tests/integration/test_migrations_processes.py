"""The schema revisions under real processes: opening an up-to-date database stays one SELECT, first openings and
upgrades at the same moment take turns, and a `db upgrade` killed half-way leaves nothing half-done."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, inspect, select, text
from test_schema_upgrade import write_arthur_database

from services.database import database_status, open_database, upgrade_database
from services.storage.models import Chat, Message, User
from services.storage.schema_version import HEAD

COUNT_STATEMENTS = """
import json, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine

statements = []
event.listen(Engine, "before_cursor_execute", lambda _c, _cur, statement, *_: statements.append(statement))
from services.database import open_database

open_database(sys.argv[1], create_and_seed=False).dispose()
print(json.dumps({"statements": statements, "alembic": any(m.startswith("alembic") for m in sys.modules)}))
"""
OPEN_WHEN_TOLD = """
import sys, time
from pathlib import Path
from services.database import open_database

while not Path(sys.argv[2]).exists():
    time.sleep(0.005)
open_database(sys.argv[1]).dispose()
"""
SCHEMA_WORDS = (
    "alembic_version",
    "chats",
    "users",
    "sqlite_master",
    "pg_class",
    "pg_catalog.pg_",
    "information_schema",
)


def test_opening_an_up_to_date_database_reads_only_its_revision_and_loads_no_alembic(database_url: str) -> None:
    open_database(database_url).dispose()

    output = subprocess.run(
        [sys.executable, "-c", COUNT_STATEMENTS, database_url], check=True, capture_output=True, text=True
    ).stdout
    measured = json.loads(output)

    about_the_schema = [s for s in measured["statements"] if any(word in s for word in SCHEMA_WORDS)]
    assert about_the_schema == ["SELECT version_num FROM alembic_version"]
    assert measured["alembic"] is False


def test_processes_opening_a_new_sqlite_file_at_the_same_moment_all_open_it_and_it_is_seeded_once(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    go = tmp_path / "go"
    processes = [
        subprocess.Popen([sys.executable, "-c", OPEN_WHEN_TOLD, url, str(go)], stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    time.sleep(1.0)  # every process started and waiting
    go.touch()
    outcomes = [(process.wait(timeout=60), process.communicate()[1]) for process in processes]

    database = open_database(url, create_and_seed=False)
    with database.unit_of_work() as uow:
        counts = [uow.session.scalar(select(func.count()).select_from(m)) for m in (User, Chat, Message)]
    database.dispose()
    assert outcomes == [(0, "")] * 3
    assert (counts, database_status(url).state.stored) == ([3, 6, 13], HEAD)


@pytest.mark.postgres
def test_two_db_upgrades_of_one_postgresql_database_at_once_take_turns(bare_postgres_url: str) -> None:
    write_arthur_database(bare_postgres_url)
    command = [sys.executable, "-m", "arthur_desktop", "db", "upgrade", "--database-url", bare_postgres_url]

    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in "ab"]
    outputs = sorted((process.wait(timeout=120), *process.communicate()) for process in processes)

    assert [(code, err) for code, _, err in outputs] == [(0, ""), (0, "")]
    assert sorted(out.split(" ")[0] for _, out, _ in outputs) == ["Brought", "The"]
    assert database_status(bare_postgres_url).state.stored == HEAD


@pytest.mark.postgres
def test_a_db_upgrade_killed_half_way_leaves_nothing_half_done(bare_postgres_url: str) -> None:
    """Another session holds chats, so the upgrade stops at its first ALTER TABLE chats, after it recorded the
    older layout and made the outbox; killed there, it leaves neither behind, and a new run completes."""
    write_arthur_database(bare_postgres_url)
    engine = create_engine(bare_postgres_url)
    blocker = engine.connect()
    blocker.begin()
    blocker.execute(text("LOCK TABLE chats IN ACCESS SHARE MODE"))
    command = [sys.executable, "-m", "arthur_desktop", "db", "upgrade", "--database-url", bare_postgres_url]
    upgrade = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_blocked_on("ALTER TABLE chats", engine)
        os.kill(upgrade.pid, signal.SIGKILL)
        upgrade.wait(timeout=30)
    finally:
        blocker.rollback()
        blocker.close()
    wait_until_blocked_on(None, engine)  # the server has ended the killed session's transaction

    left = set(inspect(engine).get_table_names())
    engine.dispose()
    state = database_status(bare_postgres_url).state
    upgrade_database(bare_postgres_url)
    assert (upgrade.returncode, left, state.stored, state.layout) == (
        -signal.SIGKILL,
        {"users", "chats", "messages"},
        None,
        "0001_brief_tables",
    )
    assert database_status(bare_postgres_url).state.stored == HEAD


def wait_until_blocked_on(statement: str | None, engine: Engine) -> None:
    """Until a session waits for a lock running statement (None: until no session of this database does)."""
    deadline = time.monotonic() + 30
    query = text(
        "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND (wait_event_type = 'Lock' OR state LIKE 'idle in transaction%')"
    )
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            queries = list(connection.execute(query).scalars())
        if statement is None and not any(q.startswith(("ALTER", "SELECT pg_advisory")) for q in queries):
            return
        if statement is not None and any(q.startswith(statement) for q in queries):
            return
        time.sleep(0.05)
    raise AssertionError(f"no session reached {statement!r} in 30 s")
