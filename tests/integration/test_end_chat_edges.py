"""Ending chats whose rows other programs changed: a start in the future, a reopened chat, an end before the
start. (Messages without a time: test_other_programs_rows.) Real databases, real folders and a real HTTP server."""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import insert, update

from integrations.base import TranscriptIntegration
from integrations.registry import create_integration
from services.chats import get_chat
from services.deliveries import deliver, list_deliveries, retry_pending_deliveries
from services.end_chat import close_chat_and_enqueue, end_chat
from services.errors import ChatNotEnded, ChatStartsLater, DeliveryInFlight
from services.results import DeliveryStatus
from services.storage.database import Database
from services.storage.models import Chat, Delivery, Message

JANE_START = datetime(2020, 9, 29, 9, 2, 20, 540957)  # chat 2 of the seed, in progress
FIRST_END = JANE_START + timedelta(minutes=10)
SECOND_END = JANE_START + timedelta(minutes=30)


def folder_client(folder: Path) -> TranscriptIntegration:
    return create_integration("absolutely_class_airlines", {"output_folder": str(folder)}, {})


def api_client(url: str) -> TranscriptIntegration:
    return create_integration("savage_rentals", {"api_url": url, "retries": 0, "timeout_seconds": 2}, {})


def transcripts_in(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text("utf-8") for p in sorted(folder.rglob("*.txt"))}


def reopen(database: Database, chat_id: int) -> None:
    """What another program does: set handle_end back to NULL, knowing nothing of the delivery row."""
    with database.engine.begin() as connection:
        connection.execute(update(Chat).where(Chat.chat_id == chat_id).values(handle_end=None))


def test_a_chat_picked_up_later_than_now_is_refused_and_nothing_changes(database: Database, tmp_path: Path) -> None:
    future = datetime(2990, 1, 1, 12, 0)
    with database.engine.begin() as connection:
        connection.execute(update(Chat).where(Chat.chat_id == 2).values(handle_start=future))
    before = get_chat(database.unit_of_work(), 2)

    with pytest.raises(ChatStartsLater, match="picked up at 2990-01-01 12:00:00 UTC, later than now"):
        end_chat(2, database.unit_of_work(), folder_client(tmp_path / "out"), clock=lambda: FIRST_END)

    assert get_chat(database.unit_of_work(), 2) == before
    assert list_deliveries(database.unit_of_work()) == []
    assert transcripts_in(tmp_path) == {}


def test_a_reopened_chat_ended_again_delivers_its_new_transcript_as_the_next_file(
    database: Database, tmp_path: Path
) -> None:
    client = folder_client(tmp_path / "out")
    end_chat(2, database.unit_of_work(), client, clock=lambda: FIRST_END)
    reopen(database, 2)
    with database.unit_of_work() as uow:
        uow.session.execute(insert(Message).values(chat_id=2, text="One more thing", user_id=None, sent_at=FIRST_END))
        uow.commit()

    again = end_chat(2, database.unit_of_work(), client, clock=lambda: SECOND_END)

    files = transcripts_in(tmp_path / "out")
    assert list(files) == ["jane/1.txt", "jane/2.txt"]
    assert files["jane/1.txt"].endswith("\nThis chat took 600 seconds to handle.")
    assert files["jane/2.txt"].endswith("[09:12, Customer]: One more thing\nThis chat took 1800 seconds to handle.")
    [record] = list_deliveries(database.unit_of_work())
    assert (again.status, again.delivery_id, record.status, record.attempts) == (
        "delivered",
        record.delivery_id,
        DeliveryStatus.DELIVERED,
        1,
    )
    assert get_chat(database.unit_of_work(), 2).handle_end == SECOND_END


def test_the_api_gets_a_new_idempotency_key_for_the_second_end_only(database: Database, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/transcripts").respond_with_data("stored", status=201)
    client = api_client(httpserver.url_for("/transcripts"))
    end_chat(2, database.unit_of_work(), client, clock=lambda: FIRST_END)
    reopen(database, 2)

    end_chat(2, database.unit_of_work(), client, clock=lambda: SECOND_END)
    with database.engine.begin() as connection:  # a third delivery of the second end: a retry, same key
        connection.execute(update(Delivery).values(status="failed"))
    retry_pending_deliveries(database.unit_of_work(), client)

    keys = [request.headers["Idempotency-Key"] for request, _ in httpserver.log]
    assert len(keys) == 3
    assert keys[0] != keys[1] == keys[2]


def test_a_reopened_chat_ended_again_after_the_client_changed_goes_to_the_new_client(
    database: Database, tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/transcripts").respond_with_data("stored", status=201)
    end_chat(2, database.unit_of_work(), folder_client(tmp_path / "out"), clock=lambda: FIRST_END)
    reopen(database, 2)

    result = end_chat(
        2, database.unit_of_work(), api_client(httpserver.url_for("/transcripts")), clock=lambda: SECOND_END
    )

    assert (result.client, result.status, result.http_status) == ("savage_rentals", "delivered", 201)
    [record] = list_deliveries(database.unit_of_work())
    assert (record.client, record.status) == ("savage_rentals", DeliveryStatus.DELIVERED)
    assert len(httpserver.log) == 1


def test_ending_again_while_the_first_transcript_is_being_delivered_is_refused(
    database: Database, tmp_path: Path
) -> None:
    close_chat_and_enqueue(2, database.unit_of_work(), "absolutely_class_airlines", FIRST_END)
    with database.engine.begin() as connection:  # another desktop holds the claim right now
        connection.execute(update(Delivery).values(status="delivering", claimed_at=SECOND_END))
    reopen(database, 2)

    with pytest.raises(DeliveryInFlight):
        end_chat(2, database.unit_of_work(), folder_client(tmp_path / "out"), clock=lambda: SECOND_END)

    assert get_chat(database.unit_of_work(), 2).handle_end is None
    [record] = list_deliveries(database.unit_of_work())
    assert record.status is DeliveryStatus.DELIVERING


def test_a_claim_left_by_a_dead_process_does_not_stop_ending_again(database: Database, tmp_path: Path) -> None:
    close_chat_and_enqueue(2, database.unit_of_work(), "absolutely_class_airlines", FIRST_END)
    with database.engine.begin() as connection:
        connection.execute(update(Delivery).values(status="delivering", claimed_at=FIRST_END))
    reopen(database, 2)

    result = end_chat(2, database.unit_of_work(), folder_client(tmp_path / "out"), clock=lambda: SECOND_END)

    assert result.status == "delivered"
    assert list(transcripts_in(tmp_path / "out")) == ["jane/1.txt"]


def test_a_queued_delivery_of_a_reopened_chat_waits_for_the_chat_to_end_again(
    database: Database, tmp_path: Path
) -> None:
    delivery_id = close_chat_and_enqueue(2, database.unit_of_work(), "absolutely_class_airlines", FIRST_END)
    reopen(database, 2)
    client = folder_client(tmp_path / "out")

    with contextlib.suppress(ChatNotEnded):  # however the queue reports the refusal, nothing is delivered
        deliver(delivery_id, database.unit_of_work(), client)

    assert transcripts_in(tmp_path) == {}
    assert list_deliveries(database.unit_of_work())[0].status is not DeliveryStatus.DELIVERED
    end_chat(2, database.unit_of_work(), client, clock=lambda: SECOND_END)
    files = transcripts_in(tmp_path / "out")
    assert list(files) == ["jane/1.txt"]
    assert files["jane/1.txt"].endswith("took 1800 seconds to handle.")


def test_an_end_recorded_before_the_start_is_delivered_as_0_seconds_with_a_warning(
    database: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    delivery_id = close_chat_and_enqueue(2, database.unit_of_work(), "absolutely_class_airlines", FIRST_END)
    with database.engine.begin() as connection:  # another system rewrites the start after the end
        connection.execute(update(Chat).where(Chat.chat_id == 2).values(handle_start=FIRST_END + timedelta(days=1)))

    with caplog.at_level(logging.WARNING, logger="services.transcripts"):
        record = deliver(delivery_id, database.unit_of_work(), folder_client(tmp_path / "out"))

    assert record.status is DeliveryStatus.DELIVERED
    [content] = transcripts_in(tmp_path / "out").values()
    assert content.endswith("\nThis chat took 0 seconds to handle.")
    assert "Chat 2 ends (2020-09-29 09:12:20.540957) before it starts" in caplog.text
