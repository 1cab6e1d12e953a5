"""Live changes: PostgreSQL's LISTEN/NOTIFY tells other desktops the moment a chat ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from integrations.registry import create_integration
from services.change_feed import notify_change, open_change_listener
from services.database import Database
from services.end_chat import end_chat
from services.errors import ChatAlreadyEnded


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
def test_a_refused_end_tells_nobody(postgres_database: Database, tmp_path: Path) -> None:
    database = postgres_database
    folder = create_integration("absolutely_class_airlines", {"output_folder": str(tmp_path)}, {})
    listener = open_change_listener(database)
    assert listener is not None
    with listener:
        with pytest.raises(ChatAlreadyEnded):
            end_chat(1, database.unit_of_work(), folder)

        assert listener.wait(0.3) == []
