"""What a manager reads for every kind of answer and every way a request to the Savage Rentals API fails.

Real servers on 127.0.0.1: pytest-httpserver for well-formed answers, a raw socket server for broken ones
(TLS in test_savage_rentals_tls.py).
"""

from __future__ import annotations

import base64
import gzip
import socket
from datetime import datetime

import pytest
from pytest_httpserver import HTTPServer

from integrations.base import DeliveryFailed
from integrations.savage_rentals import SavageRentalsIntegration, from_config
from integrations.transcript import Transcript, build_transcript
from raw_http_server import Answer, RawServer, header_value, raw_server, respond


@pytest.fixture
def transcript() -> Transcript:
    return build_transcript(4, "Customer", datetime(2020, 9, 29, 9, 0), datetime(2020, 9, 29, 9, 5), [])


def integration(url: str, **settings: object) -> SavageRentalsIntegration:
    return from_config({"api_url": url, "backoff_seconds": 0, "timeout_seconds": 2, **settings}, {})


def failure_of(client: SavageRentalsIntegration, transcript: Transcript) -> DeliveryFailed:
    with pytest.raises(DeliveryFailed) as failure:
        client.deliver(transcript)
    return failure.value


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_every_2xx_answer_up_to_299_is_a_delivery(httpserver: HTTPServer, transcript: Transcript, status: int) -> None:
    httpserver.expect_request("/t", method="POST").respond_with_data("" if status == 204 else "noted", status=status)

    receipt = integration(httpserver.url_for("/t")).deliver(transcript)

    assert receipt.http_status == status
    assert receipt.response == ("" if status == 204 else "noted")


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (300, "The Savage Rentals API redirected the transcript (HTTP 300); check api_url: pick one"),
        (301, "The Savage Rentals API redirected the transcript (HTTP 301); check api_url: pick one"),
        (400, "The Savage Rentals API refused the transcript (HTTP 400): pick one"),
        (401, "The Savage Rentals API refused the transcript (HTTP 401): pick one"),
        (403, "The Savage Rentals API refused the transcript (HTTP 403): pick one"),
        (404, "The Savage Rentals API refused the transcript (HTTP 404): pick one"),
        (405, "The Savage Rentals API refused the transcript (HTTP 405): pick one"),
        (410, "The Savage Rentals API refused the transcript (HTTP 410): pick one"),
        (422, "The Savage Rentals API refused the transcript (HTTP 422): pick one"),
    ],
)
def test_a_redirect_or_refusal_needs_attention_and_is_sent_once(
    httpserver: HTTPServer, transcript: Transcript, status: int, sentence: str
) -> None:
    httpserver.expect_request("/t", method="POST").respond_with_json({"message": "pick one"}, status=status)

    failure = failure_of(integration(httpserver.url_for("/t"), retries=3), transcript)

    assert str(failure) == sentence
    assert (failure.http_status, failure.needs_attention) == (status, True)
    assert len(httpserver.log) == 1


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (408, "The Savage Rentals API asked to be retried later (HTTP 408) after 3 attempts: later"),
        (429, "The Savage Rentals API asked to be retried later (HTTP 429) after 3 attempts: later"),
        (500, "The Savage Rentals API failed with HTTP 500 after 3 attempts: later"),
        (502, "The Savage Rentals API failed with HTTP 502 after 3 attempts: later"),
        (503, "The Savage Rentals API failed with HTTP 503 after 3 attempts: later"),
        (504, "The Savage Rentals API failed with HTTP 504 after 3 attempts: later"),
    ],
)
def test_a_busy_or_failing_api_is_retried_and_the_transcript_stays_queued(
    httpserver: HTTPServer, transcript: Transcript, status: int, sentence: str
) -> None:
    httpserver.expect_request("/t", method="POST").respond_with_data("later", status=status)

    failure = failure_of(integration(httpserver.url_for("/t"), retries=2), transcript)

    assert str(failure) == sentence
    assert (failure.http_status, failure.needs_attention) == (status, False)
    assert len(httpserver.log) == 3


def close_at_once(_server: RawServer, connection: socket.socket, _request: bytes) -> None:
    connection.close()


def reset_at_once(_server: RawServer, connection: socket.socket, _request: bytes) -> None:
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    connection.close()


def send(data: bytes) -> Answer:
    def answer(_server: RawServer, connection: socket.socket, _request: bytes) -> None:
        connection.sendall(data)

    return answer


CUT_SHORT = b"HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\nonly ten b"
BAD_CHUNK = b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"
NOT_GZIP = b"HTTP/1.1 201 Created\r\nContent-Encoding: gzip\r\nContent-Length: 8\r\n\r\nnot gzip"


@pytest.mark.parametrize(
    ("answer", "sentence", "requests"),
    [
        (close_at_once, "The connection to the Savage Rentals API at {url} broke before it answered.", 2),
        (reset_at_once, "The connection to the Savage Rentals API at {url} broke before it answered.", 2),
        (
            send(b"SSH-2.0-OpenSSH_9.2\r\n"),
            "The Savage Rentals API at {url} answered with something that is not HTTP.",
            1,
        ),
        (send(CUT_SHORT), "The Savage Rentals API's answer (HTTP 201) broke off before its end.", 1),
        (send(BAD_CHUNK), "The Savage Rentals API's answer (HTTP 201) broke off before its end.", 1),
        (send(NOT_GZIP), "The Savage Rentals API's answer (HTTP 201) could not be decoded.", 1),
    ],
    ids=["closed", "reset", "not-http", "cut-short", "bad-chunk", "bad-gzip"],
)
def test_each_broken_answer_is_one_sentence_and_the_transcript_stays_queued(
    transcript: Transcript, answer: Answer, sentence: str, requests: int
) -> None:
    with raw_server(answer) as server:
        failure = failure_of(integration(server.url(), retries=1), transcript)

    assert str(failure) == sentence.format(url=server.url())
    assert not failure.needs_attention
    assert len(server.requests) == requests  # only a connection that broke before any answer is tried again


def test_a_gzip_answer_is_decoded(transcript: Transcript) -> None:
    body = gzip.compress(b'{"id": 9}')
    head = f"HTTP/1.1 201 Created\r\nContent-Encoding: gzip\r\nContent-Length: {len(body)}\r\n\r\n"

    with raw_server(send(head.encode() + body)) as server:
        receipt = integration(server.url()).deliver(transcript)

    assert receipt.response == '{"id": 9}'


def test_a_closed_port_is_could_not_connect_connection_refused(transcript: Transcript) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/t"

    failure = failure_of(integration(url, retries=1), transcript)

    assert str(failure) == f"Could not connect to the Savage Rentals API at {url}: connection refused."


def test_a_host_that_does_not_resolve_is_could_not_connect_with_the_resolvers_reason(
    transcript: Transcript, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_such_name(*_args: object, **_kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)  # no resolver is ever asked

    failure = failure_of(integration("https://crm.invalid/t", retries=0), transcript)

    assert (
        str(failure)
        == "Could not connect to the Savage Rentals API at https://crm.invalid/t: name or service not known."
    )


def test_a_long_answer_is_read_up_to_a_limit_and_kept_shortened(transcript: Transcript) -> None:
    body = b"a" * 200_000
    head = f"HTTP/1.1 201 Created\r\nContent-Length: {len(body)}\r\n\r\n".encode()

    with raw_server(send(head + body)) as server:
        receipt = integration(server.url()).deliver(transcript)

    assert receipt.http_status == 201
    assert receipt.response is not None and receipt.response.endswith("…")
    assert 60_000 < len(receipt.response) <= 64 * 1024 + 1


@pytest.mark.parametrize(
    ("token", "authorization"),
    [(None, "Basic " + base64.b64encode(b"arthur:pa:ss word").decode()), ("t0ken", "Bearer t0ken")],
    ids=["user-info", "token-wins"],
)
def test_the_user_info_of_api_url_is_sent_as_basic_credentials_unless_a_token_is_set(
    transcript: Transcript, token: str | None, authorization: str
) -> None:
    with raw_server(respond(201, b"ok")) as server:
        url = server.url().replace("http://", "http://arthur:pa%3Ass%20word@")
        environ = {"SR_TOKEN": token} if token else {}
        section = {"api_url": url, "timeout_seconds": 2} | ({"token_env": "SR_TOKEN"} if token else {})
        from_config(section, environ).deliver(transcript)

    assert header_value(server.requests[0], "Authorization") == authorization
    assert server.requests[0].startswith(b"POST /transcripts HTTP/1.1\r\n")  # the user info stays off the wire
