"""The outbox queue goes on past a delivery that cannot be made: each fails on its own, with its reason."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text

from integrations.base import TranscriptIntegration
from integrations.registry import create_integration
from seed_data import SEED_DAY, add_chat
from services.database import open_database
from services.deliveries import deliveries_by_id, list_deliveries, retry_pending_deliveries
from services.end_chat import close_chat_and_enqueue
from services.results import DeliveryStatus
from services.storage.database import Database

CLIENT = "absolutely_class_airlines"


def folder_client(folder: Path) -> TranscriptIntegration:
    return create_integration(CLIENT, {"output_folder": str(folder)}, {})


def queue_a_chat(database: Database, customer: str) -> int:
    """A chat picked up and ended, its delivery queued but not yet made; the chat's id."""
    chat_id = add_chat(database, user_id=1, start=SEED_DAY, seconds=None, customer=customer, messages=2)
    close_chat_and_enqueue(chat_id, database.unit_of_work(), CLIENT, SEED_DAY.replace(hour=10))
    return chat_id


def as_another_program(sqlite_path: Path, *statements: str) -> None:
    """A plain sqlite3 connection, as other programs open the file: no foreign keys enforced."""
    connection = sqlite3.connect(sqlite_path)
    with connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()


def test_a_deleted_chat_and_unreadable_timestamps_fail_on_their_own_and_later_deliveries_are_made(
    sqlite_url: str, tmp_path: Path
) -> None:
    database = open_database(sqlite_url)
    deleted, zulu, garbled, good = (queue_a_chat(database, name) for name in ("Ann", "Zoe", "Gus", "Bea"))
    as_another_program(
        tmp_path / "arthur.db",
        f"DELETE FROM messages WHERE chat_id = {deleted}",
        f"DELETE FROM chats WHERE chat_id = {deleted}",
        f"UPDATE chats SET handle_start = '2024-01-01T10:01:00Z' WHERE chat_id = {zulu}",
        f"UPDATE messages SET sent_at = 'yesterday' WHERE chat_id = {garbled}",
    )

    records = retry_pending_deliveries(database.unit_of_work(), folder_client(tmp_path / "out"))
    listed = {r.chat_id: r for r in list_deliveries(database.unit_of_work())}
    database.dispose()

    by_chat = {r.chat_id: r for r in records}
    assert [r.chat_id for r in records] == [deleted, zulu, garbled, good]
    assert (by_chat[deleted].status, by_chat[deleted].error) == (
        DeliveryStatus.FAILED,
        f"Chat {deleted} no longer exists, so its transcript cannot be delivered.",
    )
    assert by_chat[garbled].status is DeliveryStatus.FAILED
    assert (by_chat[garbled].error or "").startswith(f"Chat {garbled} could not be read: ")
    assert "yesterday" in (by_chat[garbled].error or "")
    # A time written with a zone is either read (then delivered) or refused with a reason, never a crash.
    assert by_chat[zulu].status is DeliveryStatus.DELIVERED or f"Chat {zulu}" in (by_chat[zulu].error or "")
    assert (by_chat[good].status, by_chat[good].path) == (DeliveryStatus.DELIVERED, str(tmp_path / "out/bea/1.txt"))
    assert listed[deleted].customer_name is None  # still listed, though its chat is gone


def test_a_chat_another_program_set_back_to_waiting_fails_on_its_own(database: Database, tmp_path: Path) -> None:
    reset, good = queue_a_chat(database, "Ann"), queue_a_chat(database, "Bea")
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE chats SET handle_start = NULL WHERE chat_id = :id"), {"id": reset})

    first, second = retry_pending_deliveries(database.unit_of_work(), folder_client(tmp_path / "out"))

    assert (first.chat_id, first.status, first.attempts) == (reset, DeliveryStatus.FAILED, 1)
    assert first.error == f"Chat {reset} is still waiting for an agent: it was never picked up."
    assert (second.chat_id, second.status) == (good, DeliveryStatus.DELIVERED)


def test_a_delivery_that_cannot_be_loaded_fails_again_at_each_retry_and_never_blocks_the_others(
    sqlite_url: str, tmp_path: Path
) -> None:
    database = open_database(sqlite_url)
    gone, good = queue_a_chat(database, "Ann"), queue_a_chat(database, "Bea")
    as_another_program(tmp_path / "arthur.db", f"DELETE FROM messages WHERE chat_id = {gone}")
    as_another_program(tmp_path / "arthur.db", f"DELETE FROM chats WHERE chat_id = {gone}")
    client = folder_client(tmp_path / "out")

    first, second = (retry_pending_deliveries(database.unit_of_work(), client) for _ in range(2))
    database.dispose()

    assert [(r.chat_id, r.status, r.attempts) for r in first] == [
        (gone, DeliveryStatus.FAILED, 1),
        (good, DeliveryStatus.DELIVERED, 1),
    ]
    assert [(r.chat_id, r.status, r.attempts) for r in second] == [(gone, DeliveryStatus.FAILED, 2)]


def test_deliveries_read_by_id_are_those_stored_newest_first_as_in_the_list(database_url: str) -> None:
    database = open_database(database_url)
    for name in ("Ann", "Bea", "Cy"):
        queue_a_chat(database, name)
    listed = list_deliveries(database.unit_of_work())
    ids = [record.delivery_id for record in listed]

    read = deliveries_by_id(database.unit_of_work(), [ids[2], ids[0], max(ids) + 1, ids[0]])
    nothing = deliveries_by_id(database.unit_of_work(), [])
    database.dispose()

    assert read == [listed[0], listed[2]]
    assert nothing == []
