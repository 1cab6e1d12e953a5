"""What a manager reads for every kind of answer and every way a request to the Savage Rentals API fails.

Real servers on 127.0.0.1: pytest-httpserver for well-formed answers, a raw socket server for broken ones, and
a TLS server with a certificate made for the test.
"""

from __future__ import annotations

import gzip
import socket
import ssl
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from integrations.base import DeliveryFailed
from integrations.savage_rentals import SavageRentalsIntegration, from_config
from integrations.transcript import Transcript, build_transcript
from raw_http_server import Answer, RawServer, raw_server, respond


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


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command for these tests."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def trusted(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # OpenSSL's default trust store, for this test
    yield


def test_an_untrusted_certificate_is_reported_and_nothing_is_sent(transcript: Transcript, tls: ssl.SSLContext) -> None:
    with raw_server(respond(201, b"ok"), tls=tls) as server:
        failure = failure_of(integration(server.url(), retries=2), transcript)

    assert str(failure) == (
        f"Could not connect securely to the Savage Rentals API at {server.url()}: "
        "its certificate could not be verified (self-signed certificate)."
    )
    assert server.requests == []
    assert not failure.needs_attention


def test_a_certificate_for_another_name_is_reported(transcript: Transcript, tls: ssl.SSLContext, trusted: None) -> None:
    with raw_server(respond(201, b"ok"), tls=tls) as server:
        url = server.url().replace("127.0.0.1", "localhost")
        failure = failure_of(integration(url), transcript)

    assert str(failure).startswith(
        f"Could not connect securely to the Savage Rentals API at {url}: its certificate could not be verified ("
    )
    assert "localhost" in str(failure)


def test_https_to_a_server_that_speaks_plain_http_is_a_failed_handshake(transcript: Transcript) -> None:
    with raw_server(respond(400, b"plain"), read_request_first=False) as server:
        url = server.url().replace("http://", "https://")
        failure = failure_of(integration(url), transcript)

    assert str(failure).startswith(
        f"Could not connect securely to the Savage Rentals API at {url}: the TLS handshake failed"
    )


def test_a_trusted_tls_api_receives_the_transcript(transcript: Transcript, tls: ssl.SSLContext, trusted: None) -> None:
    with raw_server(respond(201, b'{"id": 5}'), tls=tls) as server:
        receipt = integration(server.url()).deliver(transcript)

    assert (receipt.http_status, receipt.response) == (201, '{"id": 5}')
    assert b'"content": "Chat on 29 Sep 2020 09:00:\\n"' in server.requests[0]


def test_a_tls_api_that_drips_its_answer_is_cut_off_at_the_timeout(
    transcript: Transcript, tls: ssl.SSLContext, trusted: None
) -> None:
    def drip(server: RawServer, connection: socket.socket, _request: bytes) -> None:
        connection.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: 100\r\n\r\n")
        server.drip(connection, b"x" * 100, every=0.05)

    with raw_server(drip, tls=tls) as server:
        failure = failure_of(integration(server.url(), timeout_seconds=0.5), transcript)

    assert str(failure) == "The Savage Rentals API answered HTTP 201 but did not finish its answer within 0.5 s."
