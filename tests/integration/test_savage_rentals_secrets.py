"""No secret of the Savage Rentals configuration reaches a message, a stored answer or a log record.

The server on 127.0.0.1 does what a careless API does: it echoes the Authorization header and the request line
(with its query) back, raw, JSON-escaped, as \\u escapes, URL-encoded and as HTML entities, in its body and in
its headers, whatever its status.
"""

from __future__ import annotations

import logging
import socket
from datetime import datetime

import pytest

from integrations.base import DeliveryFailed, DeliveryReceipt
from integrations.savage_rentals import SavageRentalsIntegration, from_config
from integrations.transcript import Transcript, build_transcript
from raw_http_server import RawServer, header_value, raw_server
from secret_echo import CORE, ENVIRON, QUERY, USER_INFO, assert_no_secret_in, echo


@pytest.fixture
def transcript() -> Transcript:
    return build_transcript(3, "Customer", datetime(2020, 9, 29, 9, 0), datetime(2020, 9, 29, 9, 5), [])


def client(server: RawServer, *, token: bool) -> SavageRentalsIntegration:
    url = server.url() + QUERY
    if not token:
        url = url.replace("http://", f"http://{USER_INFO}")
    section = {"api_url": url, "retries": 1, "backoff_seconds": 0}
    return from_config({**section, "token_env": "SR_TOKEN"} if token else section, ENVIRON)


@pytest.mark.parametrize("token", [True, False], ids=["bearer-token", "user-info-password"])
@pytest.mark.parametrize("status", [401, 302, 503, 201])
def test_an_api_echoing_every_secret_in_every_form_leaves_none_in_messages_answers_or_logs(
    caplog: pytest.LogCaptureFixture, transcript: Transcript, status: int, token: bool
) -> None:
    caplog.set_level(logging.DEBUG)

    with raw_server(echo(status)) as server:
        integration = client(server, token=token)
        try:
            outcome: DeliveryReceipt | DeliveryFailed = integration.deliver(transcript)
        except DeliveryFailed as failure:
            outcome = failure

    echoed = server.requests[0].decode("latin-1")
    assert CORE in echoed  # the server really was sent, and echoed, the secrets
    if isinstance(outcome, DeliveryFailed):
        assert_no_secret_in(str(outcome), repr(outcome), outcome.response or "")
    else:
        assert_no_secret_in(outcome.response or "")
        assert "<hidden>" in (outcome.response or "")
    assert_no_secret_in(caplog.text, repr(integration), integration.describe())
    assert '"POST /transcripts?<hidden> HTTP/1.1"' in caplog.text  # urllib3's own request line, hidden


def test_a_refusal_names_the_apis_reason_with_the_echoed_token_hidden(transcript: Transcript) -> None:
    with raw_server(echo(401)) as server, pytest.raises(DeliveryFailed) as failure:
        client(server, token=True).deliver(transcript)

    assert str(failure.value) == (
        "The Savage Rentals API refused the transcript (HTTP 401): invalid token Bearer <hidden> "
        "POST /transcripts?api_key=<hidden>&v=2 HTTP/1.1"
    )
    assert failure.value.needs_attention
    assert failure.value.__cause__ is None and failure.value.__context__ is None  # a chain would quote the URL


def test_a_redirect_names_where_it_points_without_its_query(transcript: Transcript) -> None:
    with raw_server(echo(302)) as server, pytest.raises(DeliveryFailed) as failure:
        client(server, token=True).deliver(transcript)

    assert str(failure.value).startswith(
        "The Savage Rentals API redirected the transcript to https://elsewhere.example/in (HTTP 302); check api_url"
    )


def test_urllib3_warning_about_a_malformed_answer_shows_neither_query_nor_echoed_headers(
    caplog: pytest.LogCaptureFixture, transcript: Transcript
) -> None:
    def malformed(server: RawServer, connection: socket.socket, request: bytes) -> None:
        auth = header_value(request, "Authorization")
        head = f"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n{auth} is not a header\r\nX: y\r\n\r\nok"
        connection.sendall(head.encode())

    caplog.set_level(logging.WARNING)
    with raw_server(malformed) as server:
        receipt = client(server, token=True).deliver(transcript)

    assert receipt.http_status == 201
    assert "Failed to parse headers (url=http://127.0.0.1" in caplog.text  # urllib3 did warn
    assert_no_secret_in(caplog.text)
