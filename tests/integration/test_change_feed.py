"""Live changes: PostgreSQL's LISTEN/NOTIFY tells other desktops the moment a chat ends."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from integrations.registry import create_integration
from services.end_chat import end_chat
from services.errors import ChatAlreadyEnded, DatabaseUnavailable
from services.storage.change_feed import notify_change, open_change_listener
from services.storage.database import Database


def test_sqlite_has_no_listener_and_notifying_is_harmless(sqlite_url: str) -> None:
    from services.database import open_database

    database = open_database(sqlite_url)
    with database.unit_of_work() as uow:
        notify_change(uow.session, "chat:1")
    assert open_change_listener(database) is None
    database.dispose()


@pytest.mark.postgres
def test_another_desktop_hears_a_chat_end_and_its_delivery(postgres_database: Database, tmp_path: Path) -> None:
    database = postgres_database
    folder = create_integration("absolutely_class_airlines", {"output_folder": str(tmp_path)}, {})
    listener = open_change_listener(database)
    assert listener is not None
    with listener:
        assert listener.wait(0.05) == []

        end_chat(2, database.unit_of_work(), folder)
        heard = listener.wait(2.0)

    assert heard == ["chat:2", "delivery:1"]


@pytest.mark.postgres
def test_notices_sent_while_nobody_waited_come_with_the_next_wait_at_once(postgres_database: Database) -> None:
    listener = open_change_listener(postgres_database)
    assert listener is not None
    with listener:
        for what in ("chat:7", "delivery:3"):
            with postgres_database.unit_of_work() as uow:
                notify_change(uow.session, what)
                uow.commit()
        assert listener.wait(0.05) == ["chat:7", "delivery:3"]  # both already there: no waiting for more
        with postgres_database.unit_of_work() as uow:
            notify_change(uow.session, "chat:8")
            uow.commit()
        started = time.monotonic()
        assert listener.wait(5.0) == ["chat:8"]
        returned, chat_8_received = time.monotonic(), listener.chats_received
        assert returned - started < 1.0
        assert listener.wait(0.05) == []
    # When it came, not when the wait for more that might follow ended: a report begun since has seen the change
    assert listener.chats_received is None  # the last wait returned no chat's notice
    assert chat_8_received is not None and started <= chat_8_received <= returned - 0.04


@pytest.mark.postgres
def test_a_chats_notice_that_came_while_waiting_for_more_counts_from_then(postgres_database: Database) -> None:
    listener = open_change_listener(postgres_database)
    assert listener is not None

    def say(what: str, then_wait: float = 0.0) -> float:
        with postgres_database.unit_of_work() as uow:
            notify_change(uow.session, what)
            uow.commit()
        said = time.monotonic()
        time.sleep(then_wait)
        return said

    with listener, ThreadPoolExecutor(1) as another_desktop:
        another_desktop.submit(say, "delivery:4", 0.02)
        chat_said = another_desktop.submit(say, "chat:9")
        notices: list[str] = []
        while "chat:9" not in notices:
            notices = listener.wait(2.0)
            assert notices, "the chat's notice never came"

    assert listener.chats_received is not None and listener.chats_received >= chat_said.result()


@pytest.mark.postgres
def test_a_refused_end_tells_nobody(postgres_database: Database, tmp_path: Path) -> None:
    database = postgres_database
    folder = create_integration("absolutely_class_airlines", {"output_folder": str(tmp_path)}, {})
    listener = open_change_listener(database)
    assert listener is not None
    with listener:
        with pytest.raises(ChatAlreadyEnded):
            end_chat(1, database.unit_of_work(), folder)

        assert listener.wait(0.3) == []


def cut_listening_connections(database: Database) -> int:
    """What a server restart or a network cut does to the desktops' LISTEN connections."""
    with database.engine.connect() as connection:
        return len(
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND starts_with(query, 'LISTEN')"
            ).all()
        )


@pytest.mark.postgres
def test_a_listener_whose_connection_is_cut_says_it_lost_the_live_changes_connection(
    postgres_database: Database,
) -> None:
    listener = open_change_listener(postgres_database)
    assert listener is not None
    with listener:
        assert cut_listening_connections(postgres_database) == 1
        with pytest.raises(DatabaseUnavailable) as lost:
            listener.wait(2.0)

    assert str(lost.value).startswith("Lost the live-changes connection: ")
    assert "server closed the connection" in str(lost.value)
    assert "\n" not in str(lost.value)


@pytest.mark.postgres
def test_a_database_refusing_new_connections_cannot_be_listened_to_and_says_so(postgres_database: Database) -> None:
    name = postgres_database.engine.url.database
    # Asked from the server's own database: no database can refuse connections while one of its own asks.
    admin = create_engine(os.environ["ARTHUR_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        with pytest.raises(DatabaseUnavailable) as refused:
            open_change_listener(postgres_database)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        admin.dispose()

    assert str(refused.value).startswith("Cannot listen for live changes: ")
    assert f'database "{name}" is not currently accepting connections' in str(refused.value)
    assert "\n" not in str(refused.value)
