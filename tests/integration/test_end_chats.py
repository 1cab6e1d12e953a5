"""Ending several chats at once: each ended and delivered on its own through the outbox; a refusal or a failed
delivery of one does not stop the others; a real SQLite file and PostgreSQL, a real folder and HTTP server."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Response

from integrations.registry import create_integration
from seed_data import SEED_DAY, add_chat
from services.deliveries import list_deliveries
from services.end_chats import EndChatOutcome, end_chats
from services.results import DeliveryStatus
from services.storage.database import Database


def test_each_chat_is_ended_and_delivered_on_its_own(database: Database, tmp_path: Path) -> None:
    kim = add_chat(database, user_id=3, start=SEED_DAY, seconds=None, customer="Kim")
    folder = create_integration("absolutely_class_airlines", {"output_folder": str(tmp_path)}, {})
    seen: list[EndChatOutcome] = []

    outcomes = end_chats([2, 4, kim, 2, 404], database.unit_of_work(), folder, on_outcome=seen.append)

    assert seen == outcomes
    assert [(o.chat_id, o.delivered, o.refusal) for o in outcomes] == [
        (2, True, None),
        (4, False, "Chat 4 has already ended."),
        (kim, True, None),
        (404, False, "There is no chat with id 404."),
    ]
    assert sorted(p.name for p in tmp_path.glob("*/*.txt")) == ["1.txt", "1.txt"]
    deliveries = {d.chat_id: d.status for d in list_deliveries(database.unit_of_work())}
    assert deliveries == {2: DeliveryStatus.DELIVERED, kim: DeliveryStatus.DELIVERED}


def test_a_failed_delivery_stays_queued_and_the_next_chat_is_still_ended(
    database: Database, httpserver: HTTPServer
) -> None:
    kim = add_chat(database, user_id=3, start=SEED_DAY, seconds=None, customer="Kim")
    answers = iter([Response("down", status=500), Response("ok", status=201)])
    httpserver.expect_request("/t").respond_with_handler(lambda _request: next(answers))
    api = create_integration("savage_rentals", {"api_url": httpserver.url_for("/t"), "retries": 0}, {})

    first, second = end_chats([2, kim], database.unit_of_work(), api)

    assert (first.result and first.result.status, second.result and second.result.status) == ("queued", "delivered")
    assert {d.chat_id: d.status for d in list_deliveries(database.unit_of_work())} == {
        2: DeliveryStatus.FAILED,
        kim: DeliveryStatus.DELIVERED,
    }
