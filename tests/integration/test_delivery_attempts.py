"""A delivery's attempts are the requests the client received: each HTTP try, the integration's own retries included."""

from __future__ import annotations

from collections.abc import Callable

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from integrations.savage_rentals import SavageRentalsIntegration, from_config
from services.deliveries import list_deliveries, retry_delivery
from services.end_chat import end_chat
from services.results import DeliveryRecord
from services.storage.database import Database

PATH = "/transcripts"


def failing_then_answering(failures: int, status: int = 500) -> Callable[[Request], Response]:
    """Answers `status` to the first `failures` requests, then 201."""
    seen: list[Request] = []

    def answer(request: Request) -> Response:
        seen.append(request)
        if len(seen) <= failures:
            return Response("the CRM is down", status=status)
        return Response('{"stored": true}', status=201, content_type="application/json")

    return answer


def client(httpserver: HTTPServer, retries: int) -> SavageRentalsIntegration:
    section = {"api_url": httpserver.url_for(PATH), "retries": retries, "backoff_seconds": 0, "timeout_seconds": 2}
    return from_config(section, {})


def only_delivery(database: Database) -> DeliveryRecord:
    [record] = list_deliveries(database.unit_of_work())
    return record


def test_every_request_of_one_delivery_counts_as_an_attempt(database: Database, httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_handler(failing_then_answering(2))

    result = end_chat(2, database.unit_of_work(), client(httpserver, retries=3))

    assert result.status == "delivered"
    assert (only_delivery(database).attempts, len(httpserver.log)) == (3, 3)


def test_four_failed_requests_then_a_retry_that_succeeds_make_five_attempts(
    database: Database, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_handler(failing_then_answering(4))
    integration = client(httpserver, retries=3)

    queued = end_chat(2, database.unit_of_work(), integration)
    after_four = only_delivery(database).attempts
    retried = retry_delivery(queued.delivery_id, database.unit_of_work(), integration)

    assert (queued.status, after_four) == ("queued", 4)
    assert (retried.status.value, retried.attempts, len(httpserver.log)) == ("delivered", 5, 5)
    assert only_delivery(database).attempts == 5


def test_a_refusal_counts_the_one_request_it_took(database: Database, httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_handler(failing_then_answering(9, status=401))

    result = end_chat(2, database.unit_of_work(), client(httpserver, retries=3))

    assert result.status == "needs-attention"
    assert (only_delivery(database).attempts, len(httpserver.log)) == (1, 1)


def test_requests_count_when_a_long_retry_after_stops_the_retries(database: Database, httpserver: HTTPServer) -> None:
    waits = iter(["0", "3600"])  # retried at once, then asked to wait an hour: the delivery gives up

    def busy(_request: Request) -> Response:
        return Response("busy", status=503, headers={"Retry-After": next(waits)})

    httpserver.expect_request(PATH, method="POST").respond_with_handler(busy)

    result = end_chat(2, database.unit_of_work(), client(httpserver, retries=3))

    assert result.status == "queued" and "asked to wait 60 min" in (result.error or "")
    assert (only_delivery(database).attempts, len(httpserver.log)) == (2, 2)
