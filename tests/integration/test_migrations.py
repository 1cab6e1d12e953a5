"""The schema revisions: one chain from the brief's tables to this version's schema, the same by `db upgrade`, by
its SQL run by hand and by a desktop opening a SQLite file; older layouts recognised; nothing half-done."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Float, create_engine, inspect, text
from sqlalchemy.engine import make_url
from test_schema_upgrade import ARTHUR_TABLES, write_arthur_database

from administration import made_by_a_version_before_the_revisions, upgraded_by_its_administrator
from arthur_desktop.cli.main import main
from services.database import database_status, open_database, upgrade_database
from services.errors import SchemaAhead, SchemaBehind
from services.performance import agent_performance
from services.storage.models import Base
from services.storage.schema_migration import MIGRATIONS, upgrade_schema
from services.storage.schema_version import HEAD, REVISIONS

# The layouts of the versions made before the revisions: the last of them had 0005_live_floor's.
OLDER_LAYOUTS = REVISIONS[: REVISIONS.index("0005_live_floor") + 1]


def schema_differences(url: str) -> list[object]:
    """What Alembic finds between the database and the ORM tables (ignoring what the models do not name: the
    record of the revision and SQLite's search table)."""

    known_names: dict[str, set[str | None]] = {
        "table": set(Base.metadata.tables),
        "index": {index.name for table in Base.metadata.tables.values() for index in table.indexes},
    }

    def named_by_the_models(_object: object, name: str | None, kind: str, reflected: bool, _other: object) -> bool:
        known = known_names.get(kind)
        return not (reflected and known is not None and name not in known)

    def same_type(_context: object, _column: object, _model: object, reflected: Any, model: Any) -> bool | None:
        # The generated columns read back as the engine's own float (REAL, DOUBLE PRECISION): the same type.
        if isinstance(reflected, Float) and isinstance(model, Float):
            return False
        return None

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": named_by_the_models, "compare_type": same_type}
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def write_rows(url: str) -> None:
    """The rows of test_schema_upgrade's database (Ann handled a chat, Bob has one in progress)."""
    engine = create_engine(url)
    columns = "(chat_id, created, customer_name, user_id, handle_start, handle_end)"
    with engine.begin() as connection:
        for statement in ARTHUR_TABLES:
            if statement.startswith("INSERT"):
                connection.execute(text(statement.replace("INTO chats VALUES", f"INTO chats {columns} VALUES")))
    engine.dispose()


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def tables_and_indexes(url: str) -> dict[str, tuple[set[str], set[str | None]]]:
    """Each table's columns and indexes."""
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        return {
            table: (
                {c["name"] for c in inspector.get_columns(table)},
                {i["name"] for i in inspector.get_indexes(table)},
            )
            for table in inspector.get_table_names()
        }
    finally:
        engine.dispose()


def columns(url: str, table: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {column["name"] for column in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def stored(url: str) -> str | None:
    return database_status(url).state.stored


def test_the_listed_revisions_are_the_chain_in_the_package() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)

    chain = [revision.revision for revision in script.walk_revisions()]

    assert (script.get_current_head(), tuple(reversed(chain))) == (HEAD, REVISIONS)


def test_the_chain_from_nothing_gives_exactly_the_tables_and_indexes_the_models_name(bare_database_url: str) -> None:
    upgrade_database(bare_database_url)

    assert schema_differences(bare_database_url) == []
    assert stored(bare_database_url) == HEAD


@pytest.mark.parametrize("layout", OLDER_LAYOUTS)
def test_each_earlier_layout_is_recognised_and_brought_to_this_versions_schema_with_its_chats(
    bare_database_url: str, layout: str
) -> None:
    made_by_a_version_before_the_revisions(bare_database_url, layout)
    write_rows(bare_database_url)

    recognised = database_status(bare_database_url).state.layout
    upgraded_by_its_administrator(bare_database_url)
    database = open_database(bare_database_url)
    rows = [(p.name, p.chats_handled, p.chats_in_progress) for p in agent_performance(database.unit_of_work())]
    database.dispose()

    assert recognised == layout
    assert (stored(bare_database_url), schema_differences(bare_database_url)) == (HEAD, [])
    assert rows == [("Ann", 1, 0), ("Bob", 0, 1)]


@pytest.mark.postgres
@pytest.mark.parametrize("layout", [None, "0001_brief_tables", "0004_claim_holder"])
def test_a_postgresql_database_that_is_behind_is_refused_by_a_desktop_and_left_as_it_was(
    bare_postgres_url: str, layout: str | None
) -> None:
    if layout is not None:
        write_arthur_database(bare_postgres_url)
        made_by_a_version_before_the_revisions(bare_postgres_url, layout)
    before = tables_and_indexes(bare_postgres_url)

    with pytest.raises(SchemaBehind) as refused:
        open_database(bare_postgres_url)

    assert "arthur-desktop db upgrade" in str(refused.value) and "\n" not in str(refused.value)
    assert tables_and_indexes(bare_postgres_url) == before


@pytest.mark.postgres
def test_a_postgresql_database_at_an_older_revision_is_refused_by_the_cli_in_one_line(
    bare_postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = create_engine(bare_postgres_url)
    upgrade_schema(engine, bare_postgres_url, target="0004_claim_holder")
    engine.dispose()

    code = main(["performance", "--database-url", bare_postgres_url])

    err = capsys.readouterr().err
    assert (code, err.count("\n"), stored(bare_postgres_url)) == (1, 1, "0004_claim_holder")
    assert "revision 0004_claim_holder" in err and f"needs {HEAD}" in err and "`arthur-desktop db upgrade`" in err


def test_a_database_a_newer_version_made_is_refused_by_desktops_and_by_db_upgrade(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    open_database(database_url).dispose()
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    engine.dispose()
    before = tables(database_url)

    with pytest.raises(SchemaAhead):
        open_database(database_url)
    upgrade_code = main(["db", "upgrade", "--database-url", database_url])
    upgrade_err = capsys.readouterr().err
    status_code = main(["db", "status", "--database-url", database_url])
    status_out = capsys.readouterr().out

    assert (upgrade_code, upgrade_err.count("\n"), "0099_from_the_future" in upgrade_err) == (1, 1, True)
    assert (status_code, "newer" in status_out) == (0, True)
    assert (stored(database_url), tables(database_url)) == ("0099_from_the_future", before)


def test_db_upgrade_says_what_it_did_and_a_second_run_changes_nothing(
    bare_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write_arthur_database(bare_database_url)
    made_by_a_version_before_the_revisions(bare_database_url, "0002_outbox_and_search")

    status_before = main(["db", "status", "--database-url", bare_database_url]), capsys.readouterr().out
    first = main(["db", "upgrade", "--database-url", bare_database_url]), capsys.readouterr().out
    second = main(["db", "upgrade", "--database-url", bare_database_url]), capsys.readouterr().out
    status_after = main(["db", "status", "--database-url", bare_database_url]), capsys.readouterr().out

    assert (
        "Revision:     none (made before revisions; its tables are those of 0002_outbox_and_search)"
        in (status_before[1])
    )
    assert first == (
        0,
        f"Brought the database from revision none (made before revisions; its tables are those of "
        f"0002_outbox_and_search) to {HEAD}.\n",
    )
    assert second == (0, f"The database is at revision {HEAD} already; nothing was changed.\n")
    assert f"Revision:     {HEAD}\nThis version: {HEAD} (up to date)" in status_after[1]


@pytest.mark.parametrize("layout", [None, "0003_day_totals"])
def test_the_sql_printed_for_a_dba_changes_nothing_and_run_by_hand_gives_this_versions_schema(
    bare_database_url: str, layout: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    if layout is not None:
        made_by_a_version_before_the_revisions(bare_database_url, layout)
        write_rows(bare_database_url)
    before = tables(bare_database_url)

    code = main(["db", "upgrade", "--sql", "--database-url", bare_database_url])
    script = capsys.readouterr().out
    unchanged = tables(bare_database_url) == before and stored(bare_database_url) is None
    run_by_hand(bare_database_url, script)
    if layout is None:
        write_rows(bare_database_url)

    assert (code, unchanged) == (0, True)
    assert (stored(bare_database_url), schema_differences(bare_database_url)) == (HEAD, [])
    database = open_database(bare_database_url)
    assert [p.chats_handled for p in agent_performance(database.unit_of_work())] == [1, 0]
    database.dispose()


def run_by_hand(url: str, script: str) -> None:
    """As a DBA would: psql -f on PostgreSQL, sqlite3's .read on SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        by_hand = sqlite3.connect(parsed.database or "", isolation_level=None)
        by_hand.executescript(script)
        by_hand.close()
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(script)
    engine.dispose()


def test_an_upgrade_that_fails_half_way_leaves_the_database_at_its_layout(
    bare_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole chain is one transaction: a step refused (a table another program made under a name the last
    revision needs) undoes the steps before it, and the error is one line."""
    write_arthur_database(bare_database_url)
    made_by_a_version_before_the_revisions(bare_database_url, "0003_day_totals")
    engine = create_engine(bare_database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE slot_counts (note TEXT)"))
    engine.dispose()

    code = main(["db", "upgrade", "--database-url", bare_database_url])
    err = capsys.readouterr().err

    chats_columns, delivery_columns = (columns(bare_database_url, table) for table in ("chats", "deliveries"))
    assert (code, err.count("\n"), "Traceback" in err) == (1, 1, False)
    assert database_status(bare_database_url).state.layout == "0003_day_totals"
    assert ("claimed_by" in delivery_columns, "wait_seconds" in chats_columns) == (False, False)


def test_db_status_of_a_sqlite_file_not_made_yet_says_so_and_makes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "later" / "arthur.db"

    code = main(["db", "status", "--database-url", f"sqlite:///{path}"])

    assert (code, path.parent.exists()) == (0, False)
    assert f"Revision:     none (no tables yet)\nThis version: {HEAD} (behind:" in capsys.readouterr().out


def test_db_grant_on_a_sqlite_file_says_roles_are_postgresqls_and_makes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "arthur.db"

    code = main(["db", "grant", "manager", "--database-url", f"sqlite:///{path}"])

    assert (code, path.exists()) == (1, False)
    assert capsys.readouterr().err == (
        "arthur-desktop: error: Roles and grants are PostgreSQL's; a SQLite file is guarded by its folder's "
        "permissions.\n"
    )
