import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from integrations.base import DeliveryFailed, IntegrationConfigError
from integrations.registry import create_integration
from integrations.savage_rentals import SavageRentalsIntegration, from_config, idempotency_key
from integrations.transcript import Transcript, TranscriptLine, build_transcript

TOKEN = "sr-test-token-5f2d9c"
TOKEN_VARIABLE = "SAVAGE_RENTALS_TOKEN"
ENVIRON = {TOKEN_VARIABLE: TOKEN}
PATH = "/transcripts"


@pytest.fixture
def transcript() -> Transcript:
    handle_start = datetime(2020, 9, 29, 9, 0, 20, 540957)
    lines = [
        TranscriptLine(datetime(2020, 9, 29, 9, 0, 20), False, "Hello, I need to cancel my reservation."),
        TranscriptLine(datetime(2020, 9, 29, 9, 1, 20), True, "I can do that."),
    ]
    return build_transcript(1, "Customer A", handle_start, handle_start + timedelta(minutes=4), lines)


def integration_for(httpserver: HTTPServer, **settings: object) -> SavageRentalsIntegration:
    section: dict[str, object] = {
        "api_url": httpserver.url_for(PATH),
        "token_env": TOKEN_VARIABLE,
        "backoff_seconds": 0,
    }
    section.update(settings)
    return from_config(section, ENVIRON)


def requests_seen(httpserver: HTTPServer) -> list[Request]:
    return [request for request, _response in httpserver.log]


def test_a_delivered_transcript_returns_the_status_and_body_of_the_answer(
    httpserver: HTTPServer, transcript: Transcript
) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_data('{"id": 42}', status=201)

    receipt = integration_for(httpserver).deliver(transcript)

    assert (receipt.http_status, receipt.response, receipt.path) == (201, '{"id": 42}', None)
    [request] = requests_seen(httpserver)
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.get_data()) == {"content": transcript.text}
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Idempotency-Key"] == idempotency_key(transcript)
    assert uuid.UUID(request.headers["Idempotency-Key"]).version == 5


def test_without_token_env_no_authorization_header_is_sent(httpserver: HTTPServer, transcript: Transcript) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_data("ok")

    from_config({"api_url": httpserver.url_for(PATH)}, {}).deliver(transcript)

    [request] = requests_seen(httpserver)
    assert "Authorization" not in request.headers


def test_the_idempotency_key_is_stable_per_chat_and_differs_between_chats(transcript: Transcript) -> None:
    other_chat = build_transcript(2, "Customer B", transcript.handle_start, None, [])

    assert idempotency_key(transcript) == idempotency_key(
        build_transcript(1, "Renamed", transcript.handle_start, None, [])
    )
    assert idempotency_key(transcript) != idempotency_key(other_chat)


@pytest.mark.parametrize("failing_status", [500, 502, 503, 504])
def test_a_server_error_then_success_is_delivered_on_retry_with_the_same_key(
    httpserver: HTTPServer, transcript: Transcript, failing_status: int
) -> None:
    httpserver.expect_ordered_request(PATH, method="POST").respond_with_data("busy", status=failing_status)
    httpserver.expect_ordered_request(PATH, method="POST").respond_with_data("stored", status=200)

    receipt = integration_for(httpserver, retries=1).deliver(transcript)

    assert (receipt.http_status, receipt.response) == (200, "stored")
    first, second = requests_seen(httpserver)
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"] == idempotency_key(transcript)
    assert json.loads(first.get_data()) == json.loads(second.get_data()) == {"content": transcript.text}


def test_a_server_that_keeps_failing_is_reported_after_every_retry(
    httpserver: HTTPServer, transcript: Transcript
) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_data("database down", status=500)

    with pytest.raises(DeliveryFailed) as failure:
        integration_for(httpserver, retries=2).deliver(transcript)

    assert failure.value.http_status == 500
    assert failure.value.response == "database down"
    assert str(failure.value) == "The Savage Rentals API failed with HTTP 500 after 3 attempts: database down"
    keys = {request.headers["Idempotency-Key"] for request in requests_seen(httpserver)}
    assert len(requests_seen(httpserver)) == 3
    assert keys == {idempotency_key(transcript)}


def test_a_refusal_carries_the_api_message_and_status_and_is_not_retried(
    httpserver: HTTPServer, transcript: Transcript
) -> None:
    body = json.dumps({"message": "content must not be empty", "code": "E_EMPTY"})
    httpserver.expect_request(PATH, method="POST").respond_with_data(body, status=400)

    with pytest.raises(DeliveryFailed) as failure:
        integration_for(httpserver).deliver(transcript)

    assert failure.value.http_status == 400
    assert failure.value.response == body
    assert "content must not be empty" in str(failure.value)
    assert "400" in str(failure.value)
    assert len(requests_seen(httpserver)) == 1


def test_a_long_plain_text_refusal_is_shortened_in_the_message_but_kept_in_the_response(
    httpserver: HTTPServer, transcript: Transcript
) -> None:
    body = "Unprocessable transcript. " + "x" * 5000
    httpserver.expect_request(PATH, method="POST").respond_with_data(body, status=422)

    with pytest.raises(DeliveryFailed) as failure:
        integration_for(httpserver).deliver(transcript)

    assert "Unprocessable transcript." in str(failure.value)
    assert len(str(failure.value)) < 400
    assert failure.value.response == body


def test_a_redirect_is_not_followed_because_the_post_would_lose_its_body(
    httpserver: HTTPServer, transcript: Transcript
) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/elsewhere")}
    )

    with pytest.raises(DeliveryFailed) as failure:
        integration_for(httpserver).deliver(transcript)

    assert failure.value.http_status == 302
    assert [request.path for request in requests_seen(httpserver)] == [PATH]


@pytest.fixture
def release_slow_handler() -> Iterator[threading.Event]:
    # The test server answers one request at a time: free it so later tests are not queued behind the sleeper.
    release = threading.Event()
    yield release
    release.set()


def test_an_api_that_answers_too_slowly_is_reported_as_a_timeout(
    httpserver: HTTPServer, transcript: Transcript, release_slow_handler: threading.Event
) -> None:
    def answer_late(request: Request) -> Response:
        release_slow_handler.wait(timeout=3)
        return Response("too late")

    httpserver.expect_request(PATH, method="POST").respond_with_handler(answer_late)
    integration = integration_for(httpserver, timeout_seconds=0.3, retries=1)

    started = time.monotonic()
    with pytest.raises(DeliveryFailed) as failure:
        integration.deliver(transcript)

    assert time.monotonic() - started < 2
    assert str(failure.value) == "The Savage Rentals API did not answer within 0.3 s."
    assert failure.value.http_status is None


def free_port_with_nothing_listening() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_closed_port_is_reported_as_could_not_connect(transcript: Transcript) -> None:
    url = f"http://127.0.0.1:{free_port_with_nothing_listening()}{PATH}"
    integration = from_config({"api_url": url, "retries": 1, "backoff_seconds": 0}, {})

    with pytest.raises(DeliveryFailed) as failure:
        integration.deliver(transcript)

    assert str(failure.value).lower().startswith(f"could not connect to the savage rentals api at {url}")
    assert "connection refused" in str(failure.value)
    assert failure.value.__cause__ is None  # urllib3's error quotes the whole URL, query and all


def test_the_token_never_appears_in_messages_repr_or_description(
    httpserver: HTTPServer, transcript: Transcript, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    httpserver.expect_request(PATH, method="POST").respond_with_data(f"invalid token {TOKEN}", status=401)
    integration = integration_for(httpserver)

    with pytest.raises(DeliveryFailed) as failure:
        integration.deliver(transcript)

    assert failure.value.http_status == 401
    for text in (str(failure.value), repr(failure.value), failure.value.response or "", caplog.text):
        assert TOKEN not in text
    assert TOKEN not in repr(integration)
    assert TOKEN not in integration.describe()
    assert "<hidden>" in repr(integration)


def test_describe_names_the_api_without_credentials_in_the_url() -> None:
    integration = from_config({"api_url": "https://user:pw@crm.example:8443/transcripts?key=abc"}, {})

    assert integration.describe() == "Savage Rentals API · https://crm.example:8443/transcripts"
    assert "pw" not in repr(integration)


def test_the_registry_builds_the_savage_rentals_integration() -> None:
    integration = create_integration("savage_rentals", {"api_url": "https://crm.example/t"}, ENVIRON)

    assert isinstance(integration, SavageRentalsIntegration)
    assert integration.client == "savage_rentals"
    assert integration.timeout_seconds == 10
    assert integration.retries == 3
    assert integration.backoff_seconds == 0.5


@pytest.mark.parametrize(
    ("section", "environ", "key"),
    [
        ({}, {}, "api_url"),
        ({"api_url": ""}, {}, "api_url"),
        ({"api_url": "   "}, {}, "api_url"),
        ({"api_url": 42}, {}, "api_url"),
        ({"api_url": "ftp://crm.example/t"}, {}, "api_url"),
        ({"api_url": "crm.example/t"}, {}, "api_url"),
        ({"api_url": "https://"}, {}, "api_url"),
        ({"api_url": "https://crm.example:notaport/t"}, {}, "api_url"),
        ({"api_url": "https://crm.example/t", "timeout_seconds": 0}, {}, "timeout_seconds"),
        ({"api_url": "https://crm.example/t", "timeout_seconds": -1}, {}, "timeout_seconds"),
        ({"api_url": "https://crm.example/t", "timeout_seconds": "10"}, {}, "timeout_seconds"),
        ({"api_url": "https://crm.example/t", "timeout_seconds": True}, {}, "timeout_seconds"),
        ({"api_url": "https://crm.example/t", "timeout_seconds": float("nan")}, {}, "timeout_seconds"),
        ({"api_url": "https://crm.example/t", "retries": -1}, {}, "retries"),
        ({"api_url": "https://crm.example/t", "retries": 1.5}, {}, "retries"),
        ({"api_url": "https://crm.example/t", "backoff_seconds": -0.1}, {}, "backoff_seconds"),
        ({"api_url": "https://crm.example/t", "token_env": 7}, {}, "token_env"),
        ({"api_url": "https://crm.example/t", "token_env": ""}, {}, "token_env"),
        ({"api_url": "https://crm.example/t", "token_env": "MISSING"}, {}, "token_env"),
        ({"api_url": "https://crm.example/t", "token_env": "EMPTY"}, {"EMPTY": " "}, "token_env"),
        ({"api_url": "https://crm.example/t", "token_env": "BAD"}, {"BAD": "a b\nc"}, "token_env"),
    ],
)
def test_invalid_settings_are_refused_naming_the_key(
    section: dict[str, object], environ: dict[str, str], key: str
) -> None:
    with pytest.raises(IntegrationConfigError) as error:
        from_config(section, environ)

    assert error.value.key == key
    assert str(error.value).startswith(f"{key}: ")


def test_an_unset_token_variable_is_named_without_revealing_anything_else() -> None:
    with pytest.raises(IntegrationConfigError) as error:
        from_config({"api_url": "https://crm.example/t", "token_env": "SR_TOKEN"}, {})

    assert error.value.message == "environment variable SR_TOKEN is not set"


def test_a_token_with_forbidden_characters_is_refused_without_quoting_it() -> None:
    bad_token = "secret\r\nX-Injected: 1"

    with pytest.raises(IntegrationConfigError) as error:
        from_config({"api_url": "https://crm.example/t", "token_env": "T"}, {"T": bad_token})

    assert "secret" not in str(error.value)


def test_an_answer_that_echoes_the_token_is_stored_without_it(httpserver: HTTPServer, transcript: Transcript) -> None:
    httpserver.expect_request(PATH, method="POST").respond_with_data(f"stored, thanks {TOKEN}", status=201)

    receipt = integration_for(httpserver).deliver(transcript)

    assert receipt.response == "stored, thanks <hidden>"
