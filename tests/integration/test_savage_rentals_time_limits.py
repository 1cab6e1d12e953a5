"""The Savage Rentals client keeps its time limits against real slow servers on 127.0.0.1.

One attempt, connect to last byte, ends within timeout_seconds; a delivery with its retries ends within
(retries + 1) x timeout_seconds; Retry-After is honoured when it fits in that total.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from integrations.base import DeliveryFailed
from integrations.savage_rentals import SavageRentalsIntegration, from_config
from integrations.transcript import Transcript, build_transcript
from raw_http_server import Answer, RawServer, raw_server, respond

# What the helper thread and a busy 2-core machine may add to a limit.
SLACK = 0.75
HEADERS_201 = b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"


@pytest.fixture
def transcript() -> Transcript:
    return build_transcript(7, "Customer", datetime(2020, 9, 29, 9, 0), datetime(2020, 9, 29, 9, 5), [])


def integration(url: str, **settings: object) -> SavageRentalsIntegration:
    return from_config({"api_url": url, "backoff_seconds": 0, **settings}, {})


def timed_failure(client: SavageRentalsIntegration, transcript: Transcript) -> tuple[float, DeliveryFailed]:
    started = time.monotonic()
    with pytest.raises(DeliveryFailed) as failure:
        client.deliver(transcript)
    return time.monotonic() - started, failure.value


def answer_201_then_drip(server: RawServer, connection: socket.socket, _request: bytes) -> None:
    connection.sendall(HEADERS_201)
    server.drip(connection, b"x" * 200, every=1.0)  # the server: one byte a second


def test_an_api_that_answers_201_then_sends_a_byte_a_second_is_cut_off_at_the_timeout(
    transcript: Transcript,
) -> None:
    with raw_server(answer_201_then_drip) as server:
        elapsed, failure = timed_failure(integration(server.url(), timeout_seconds=2), transcript)

    assert 2 <= elapsed < 2 + SLACK
    assert str(failure) == "The Savage Rentals API answered HTTP 201 but did not finish its answer within 2 s."
    assert not failure.needs_attention  # the transcript stays queued and is sent again with the same key
    assert len(server.requests) == 1  # a slow answer is not re-sent within the same delivery


def test_at_the_limit_the_connection_is_shut_down_not_left_to_read_on(transcript: Transcript) -> None:
    closed = threading.Event()

    def drip_until_closed(server: RawServer, connection: socket.socket, _request: bytes) -> None:
        connection.sendall(HEADERS_201)
        connection.settimeout(0.05)
        while not server.stopping.is_set():
            try:
                connection.sendall(b"x")  # another byte, as a slow API sends
                if connection.recv(1) == b"":  # the client closed its side
                    break
            except TimeoutError:  # nothing from the client: it is still reading
                continue
            except OSError:  # the client's side is gone
                break
        else:
            return
        closed.set()

    with raw_server(drip_until_closed) as server:
        elapsed, failure = timed_failure(integration(server.url(), timeout_seconds=1, retries=0), transcript)
        seen_closed = closed.wait(SLACK)

    assert elapsed < 1 + SLACK
    assert "did not finish its answer within 1 s" in str(failure)
    assert seen_closed  # the API saw the connection end at the limit, not when its answer was done


def test_reads_that_each_arrive_quickly_still_add_up_to_the_limit(transcript: Transcript) -> None:
    def drip_fast(server: RawServer, connection: socket.socket, _request: bytes) -> None:
        connection.sendall(HEADERS_201)
        server.drip(connection, b"x" * 200, every=0.05)  # 10 s in all; no single read waits long

    with raw_server(drip_fast) as server:
        elapsed, failure = timed_failure(integration(server.url(), timeout_seconds=0.5, retries=3), transcript)

    assert elapsed < 0.5 + SLACK
    assert "did not finish its answer within 0.5 s" in str(failure)


def test_an_api_that_drips_its_status_line_has_not_answered_at_the_limit(transcript: Transcript) -> None:
    def drip_headers(server: RawServer, connection: socket.socket, _request: bytes) -> None:
        server.drip(connection, HEADERS_201, every=0.05)

    with raw_server(drip_headers) as server:
        elapsed, failure = timed_failure(integration(server.url(), timeout_seconds=1), transcript)

    assert elapsed < 1 + SLACK
    assert str(failure) == "The Savage Rentals API did not answer within 1 s."


def test_an_api_that_accepts_and_never_answers_is_given_up_at_the_limit(transcript: Transcript) -> None:
    def say_nothing(server: RawServer, _connection: socket.socket, _request: bytes) -> None:
        server.stopping.wait(30)

    with raw_server(say_nothing) as server:
        elapsed, failure = timed_failure(integration(server.url(), timeout_seconds=0.5, retries=2), transcript)

    assert elapsed < 0.5 + SLACK
    assert str(failure) == "The Savage Rentals API did not answer within 0.5 s."


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A listening socket whose accept queue is full, so a new connection hangs in its handshake."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port), timeout=1)  # takes the one place in the queue
    yield port
    filler.close()
    listener.close()


def test_connecting_that_hangs_is_retried_and_the_whole_delivery_ends_within_its_total(
    transcript: Transcript, unanswered_port: int
) -> None:
    url = f"http://127.0.0.1:{unanswered_port}/transcripts"
    client = integration(url, timeout_seconds=0.4, retries=2)

    elapsed, failure = timed_failure(client, transcript)

    assert client.total_seconds == pytest.approx(1.2)
    assert 0.8 <= elapsed < 1.2 + SLACK  # three attempts of 0.4 s each
    assert str(failure) == f"Could not connect to the Savage Rentals API at {url} within 0.4 s."


def test_a_server_that_keeps_failing_slowly_is_given_up_within_the_total(transcript: Transcript) -> None:
    def slow_503(server: RawServer, connection: socket.socket, request: bytes) -> None:
        server.stopping.wait(0.1)
        respond(503, b"busy")(server, connection, request)

    with raw_server(slow_503) as server:
        client = integration(server.url(), timeout_seconds=0.5, retries=5, backoff_seconds=0.1)
        elapsed, failure = timed_failure(client, transcript)

    # Waits of 0.1, 0.2, 0.4, 0.8 s fit in the 3 s total; the fifth, 1.6 s, does not: five attempts, not six.
    assert elapsed < client.total_seconds + SLACK
    assert 2 <= len(server.requests) < 6
    assert str(failure) == f"The Savage Rentals API failed with HTTP 503 after {len(server.requests)} attempts: busy"


def retry_after_then_201(retry_after: str, status: int = 429) -> tuple[list[float], Answer]:
    seen: list[float] = []

    def answer(server: RawServer, connection: socket.socket, request: bytes) -> None:
        seen.append(time.time())  # wall-clock time, to compare with an HTTP date
        if len(seen) == 1:
            respond(status, b'{"message": "slow down"}', {"Retry-After": retry_after})(server, connection, request)
        else:
            respond(201, b'{"id": 1}')(server, connection, request)

    return seen, answer


def test_retry_after_in_seconds_is_honoured_when_it_fits_in_the_total(transcript: Transcript) -> None:
    seen, answer = retry_after_then_201("1")

    with raw_server(answer) as server:
        receipt = integration(server.url(), timeout_seconds=2, retries=1).deliver(transcript)

    assert (receipt.http_status, receipt.response) == (201, '{"id": 1}')
    assert len(seen) == 2
    assert seen[1] - seen[0] >= 1


def test_retry_after_as_an_http_date_is_honoured_when_it_fits_in_the_total(transcript: Transcript) -> None:
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=2)  # an HTTP date has whole seconds
    seen, answer = retry_after_then_201(format_datetime(when, usegmt=True), status=503)

    with raw_server(answer) as server:
        receipt = integration(server.url(), timeout_seconds=3, retries=1).deliver(transcript)

    assert receipt.http_status == 201
    assert len(seen) == 2
    assert seen[1] >= when.timestamp()  # not retried before the date, 1 to 2 s after it was written


@pytest.mark.parametrize("retry_after", ["soon", "Wed, 99 Foo 2099 99:99:99 GMT", "Wed, 21 Oct 2099 07:28:00"])
def test_a_retry_after_that_is_no_date_or_has_no_zone_counts_as_absent(
    transcript: Transcript, retry_after: str
) -> None:
    """Unreadable, or a local time of no known zone: the usual back-off applies, and the retry goes through."""
    seen, answer = retry_after_then_201(retry_after, status=503)

    with raw_server(answer) as server:
        receipt = integration(server.url(), timeout_seconds=2, retries=1).deliver(transcript)

    assert receipt.http_status == 201
    assert len(seen) == 2
    assert seen[1] - seen[0] < 1  # backoff_seconds is 0 here


@pytest.mark.parametrize("retry_after", ["3600", "Wed, 21 Oct 2099 07:28:00 GMT"])
def test_a_retry_after_beyond_the_total_leaves_the_transcript_queued_at_once(
    transcript: Transcript, retry_after: str
) -> None:
    seen, answer = retry_after_then_201(retry_after)

    with raw_server(answer) as server:
        elapsed, failure = timed_failure(integration(server.url(), timeout_seconds=2, retries=3), transcript)

    assert elapsed < 1
    assert len(seen) == 1
    assert str(failure).startswith("The Savage Rentals API asked to be retried later (HTTP 429): slow down. It asked")
    assert str(failure).endswith("before a retry, longer than this delivery may take; the transcript stays queued.")
    assert not failure.needs_attention


def test_a_retry_after_on_the_last_allowed_attempt_is_reported_as_the_plain_failure(transcript: Transcript) -> None:
    seen, answer = retry_after_then_201("1", status=503)

    with raw_server(answer) as server:
        elapsed, failure = timed_failure(integration(server.url(), timeout_seconds=2, retries=0), transcript)

    assert (elapsed < 1, len(seen)) == (True, 1)
    assert str(failure) == "The Savage Rentals API failed with HTTP 503: slow down"
