"""A team's PostgreSQL with two roles: an owner that runs the migrations and grants, and a manager's role, with a
password checked by the server, that does the whole desktop workflow and nothing more."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from arthur_desktop.cli.main import main
from integrations.registry import create_integration
from services.chat_changes import chat_changes
from services.chats import list_chats
from services.database import open_database, upgrade_database
from services.deliveries import deliveries_by_id, retry_delivery
from services.end_chat import end_chat
from services.export import export_chats_csv, export_performance_csv
from services.performance import agent_performance
from services.results import ChatFilter, ChatState, ChatStatus, DeliveryStatus
from services.shared_reports import shared_agent_performance
from services.storage.change_feed import open_change_listener
from services.storage.database import connect
from services.transcripts import chat_transcript

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Team:
    owner_url: str
    manager_url: str
    manager: str
    manager_password: str
    admin_url: str


@pytest.fixture(scope="module")
def team(module_postgres_url: str) -> Iterator[Team]:
    """The database owned by a non-superuser owner that upgraded, seeded and granted it; the manager's role logs in
    with a password, which the server checks (scram-sha-256, for this role and database only). Shared by this
    module's tests: only the workflow test changes data (it ends chats 2 and 7)."""
    admin_url = module_postgres_url
    name = make_url(admin_url).database or ""
    server = create_engine(os.environ["ARTHUR_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
    suffix = uuid.uuid4().hex[:8]
    owner, manager = f"arthur_owner_{suffix}", f"arthur_manager_{suffix}"
    owner_password, manager_password = f"owner-{uuid.uuid4().hex}", f"manager-{uuid.uuid4().hex}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {owner} LOGIN PASSWORD '{owner_password}'"))
        connection.execute(text(f"CREATE ROLE {manager} LOGIN PASSWORD '{manager_password}'"))
        connection.execute(text(f'ALTER DATABASE "{name}" OWNER TO {owner}'))
        connection.execute(text(f"ALTER SCHEMA public OWNER TO {owner}"))
        connection.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))  # PostgreSQL 14 and older grant it
        connection.execute(text(f'REVOKE TEMPORARY ON DATABASE "{name}" FROM PUBLIC'))
        hba = Path(connection.execute(text("SHOW hba_file")).scalar_one())
    original = hba.read_text()
    hba.write_text(f"host {name} {manager} 127.0.0.1/32 scram-sha-256\n{original}")
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_reload_conf()"))
    admin.dispose()
    server_url = make_url(admin_url)
    owner_url = server_url.set(username=owner, password=owner_password).render_as_string(hide_password=False)
    manager_url = server_url.set(username=manager, password=manager_password).render_as_string(hide_password=False)
    upgrade_database(owner_url)
    seeded = open_database(owner_url)
    with seeded.engine.begin() as connection:  # a second chat in progress, for the failed delivery and its retry
        connection.execute(
            text(
                "INSERT INTO chats (chat_id, created, customer_name, user_id, handle_start) "
                "VALUES (7, '2020-09-29 10:00:00', 'Kim', 3, '2020-09-29 10:01:00')"
            )
        )
    seeded.dispose()
    assert main(["db", "grant", manager, "--database-url", owner_url]) == 0
    try:
        yield Team(owner_url, manager_url, manager, manager_password, admin_url)
    finally:
        hba.write_text(original)
        with server.connect() as connection:
            connection.execute(text("SELECT pg_reload_conf()"))
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f"DROP ROLE IF EXISTS {manager}"))
            connection.execute(text(f"DROP ROLE IF EXISTS {owner}"))
        server.dispose()


def test_the_manager_role_does_the_whole_desktop_workflow(team: Team, tmp_path: Path, httpserver: HTTPServer) -> None:
    folder = create_integration("absolutely_class_airlines", {"output_folder": str(tmp_path / "out")}, {})
    unreachable = create_integration("savage_rentals", {"api_url": "http://127.0.0.1:9/t", "retries": 0}, {})
    httpserver.expect_request("/t", method="POST").respond_with_data("received", status=200)
    api = create_integration("savage_rentals", {"api_url": httpserver.url_for("/t"), "retries": 0}, {})
    database = open_database(team.manager_url)
    listener = open_change_listener(database)
    assert listener is not None
    try:
        before = {p.user_id: p.chats_handled for p in agent_performance(database.unit_of_work())}
        found = list_chats(database.unit_of_work(), ChatFilter(search="jane")).chats
        shown = [ChatState.of(c) for c in list_chats(database.unit_of_work()).chats if c.status is not ChatStatus.ENDED]
        transcript = chat_transcript(2, database.unit_of_work(), folder)
        ended = end_chat(2, database.unit_of_work(), folder)
        notices = listener.wait(5)
        changed = chat_changes(database.unit_of_work(), None, None, newer_than=None, known=shown, limit=1)
        delivery_read = deliveries_by_id(database.unit_of_work(), [ended.delivery_id])
        queued = end_chat(7, database.unit_of_work(), unreachable)
        retried = retry_delivery(queued.delivery_id, database.unit_of_work(), api)
        after = {p.user_id: p.chats_handled for p in agent_performance(database.unit_of_work())}
        exported = export_performance_csv(database.unit_of_work(), None, tmp_path / "performance.csv")
        chats_exported = export_chats_csv(
            database.unit_of_work, ChatFilter(status=ChatStatus.ENDED), tmp_path / "c.csv"
        )
    finally:
        listener.close()
        database.dispose()

    assert [c.customer_name for c in found] == ["Jane"] and "Your website is giving me an error" in transcript
    assert (ended.status, queued.status) == ("delivered", "queued") and notices
    assert [c.chat_id for c in changed.current] == [2] and [d.chat_id for d in delivery_read] == [2]
    assert (retried.chat_id, retried.status) == (7, DeliveryStatus.DELIVERED)
    assert (after[1] - before[1], after[3] - before[3]) == (1, 1)  # the totals the triggers keep, as the owner
    assert (exported, chats_exported) == (3, 5)


def test_the_manager_role_shares_reports_and_without_the_grant_still_sees_its_figures(
    team: Team, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("services.shared_reports._said", set())  # said once per process: this test's process too
    database = open_database(team.manager_url)
    owner = create_engine(team.owner_url)
    try:
        shared = shared_agent_performance(database, None, 15)
        with owner.begin() as connection:
            kept = connection.execute(text("SELECT count(*) FROM shared_reports")).scalar_one()
            connection.execute(text("DELETE FROM shared_reports"))
            connection.execute(text(f"REVOKE INSERT, UPDATE ON shared_reports FROM {team.manager}"))  # a grant of 0007
        with caplog.at_level(logging.WARNING, logger="services.shared_reports"):
            without = shared_agent_performance(database, None, 15)
    finally:
        with owner.begin() as connection:
            connection.execute(text(f"GRANT INSERT, UPDATE ON shared_reports TO {team.manager}"))
        owner.dispose()
        database.dispose()

    as_owner = connect(team.owner_url)
    try:
        assert kept == 1 and shared == without == agent_performance(as_owner.unit_of_work())
    finally:
        as_owner.dispose()
    assert "run `db grant` again" in caplog.text


REFUSED = [
    "CREATE TABLE notes (note TEXT)",
    "CREATE TEMPORARY TABLE notes (note TEXT)",
    "CREATE INDEX ix_mine ON chats (customer_name)",
    "ALTER TABLE chats ADD COLUMN mine INTEGER",
    "DROP TABLE deliveries",
    "DROP TRIGGER agent_day_totals_follow ON chats",
    "TRUNCATE chats",
    "UPDATE chats SET customer_name = 'someone else' WHERE chat_id = 1",
    "UPDATE chats SET handle_start = NULL WHERE chat_id = 1",
    "UPDATE users SET name = 'someone else' WHERE user_id = 1",
    "UPDATE messages SET text = 'said otherwise' WHERE message_id = 1",
    "UPDATE agent_day_totals SET chats_handled = 99",
    "UPDATE slot_counts SET chats = 99",
    "INSERT INTO chats (chat_id, created, customer_name) VALUES (99, '2020-01-01', 'x')",
    "INSERT INTO users (user_id, name) VALUES (99, 'x')",
    "INSERT INTO agent_day_totals VALUES (1, '2020-01-01', 1, 1)",
    "DELETE FROM deliveries",
    "DELETE FROM chats WHERE chat_id = 1",
    "DELETE FROM messages",
    "DELETE FROM alembic_version",
    "DELETE FROM shared_reports",
]


def test_the_manager_role_cannot_change_the_schema_nor_other_columns_nor_other_tables(team: Team) -> None:
    engine = create_engine(team.manager_url)
    outcomes = {}
    try:
        for statement in REFUSED:
            try:
                with engine.begin() as connection:
                    connection.execute(text(statement))
                outcomes[statement] = "done"
            except ProgrammingError as refused:
                outcomes[statement] = type(refused.orig).__name__
    finally:
        engine.dispose()

    assert outcomes == dict.fromkeys(REFUSED, "InsufficientPrivilege")


def test_the_managers_password_is_checked_and_comes_from_the_url_pgpassword_or_the_password_file(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = make_url(team.manager_url)
    without_password = f"postgresql+psycopg://{url.username}@{url.host}:{url.port}/{url.database}"
    wrong = url.set(password="wrong-guess").render_as_string(hide_password=False)
    password_file = tmp_path / "pgpass"
    password_file.write_text(f"{url.host}:{url.port}:{url.database}:{url.username}:{team.manager_password}\n")
    password_file.chmod(0o600)

    refused = main(["performance", "--database-url", wrong]), capsys.readouterr().err
    none_given = main(["performance", "--database-url", without_password]), capsys.readouterr().err
    monkeypatch.setenv("PGPASSFILE", str(password_file))  # ~/.pgpass, named for the test
    from_the_file = main(["performance", "--database-url", without_password]), capsys.readouterr().out
    monkeypatch.delenv("PGPASSFILE")
    monkeypatch.setenv("PGPASSWORD", team.manager_password)
    from_environment = main(["performance", "--database-url", without_password]), capsys.readouterr().out

    assert refused[0] == 1 and "password authentication failed" in refused[1] and "wrong-guess" not in refused[1]
    assert none_given[0] == 1 and refused[1].count("\n") == none_given[1].count("\n") == 1
    assert (from_the_file[0], from_environment[0]) == (0, 0)
    assert "Test User 1" in from_the_file[1] and "Test User 1" in from_environment[1]


def test_sslmode_in_the_url_is_honoured(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    """The throwaway server offers no TLS: a URL that requires it is refused, one that allows it works."""
    required = main(["performance", "--database-url", f"{team.manager_url}?sslmode=require"]), capsys.readouterr()
    allowed = main(["performance", "--database-url", f"{team.manager_url}?sslmode=prefer"]), capsys.readouterr()

    assert required[0] == 1 and "SSL" in required[1].err and team.manager_password not in required[1].err
    assert allowed[0] == 0


def test_db_grant_sql_prints_the_grants_and_grants_nothing(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    other = f"arthur_other_{uuid.uuid4().hex[:8]}"
    admin = create_engine(team.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {other}"))
    try:
        code = main(["db", "grant", other, "--sql", "--database-url", team.owner_url])
        printed = capsys.readouterr().out
        with admin.connect() as connection:
            can_read = connection.execute(text(f"SELECT has_table_privilege('{other}', 'chats', 'SELECT')")).scalar()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP ROLE {other}"))
        admin.dispose()

    assert (code, can_read) == (0, False)
    assert f"GRANT UPDATE (handle_end) ON chats TO {other};\n" in printed
    assert f"GRANT INSERT, UPDATE ON deliveries TO {other};\n" in printed


def test_db_grant_to_a_role_that_does_not_exist_is_one_clear_line(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["db", "grant", "nobody_here", "--database-url", team.owner_url])

    assert (code, capsys.readouterr().err) == (
        1,
        "arthur-desktop: error: There is no role 'nobody_here' on this server; create it first "
        "(CREATE ROLE ... LOGIN).\n",
    )
