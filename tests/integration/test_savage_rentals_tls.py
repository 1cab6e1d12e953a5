"""HTTPS to the Savage Rentals API: whose certificates are trusted, and what a manager reads when one is not.

A TLS server on 127.0.0.1 with a self-signed certificate made for these tests. The client trusts the system's
store (SSL_CERT_FILE and SSL_CERT_DIR name others) and the bundle REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE names,
never the certifi bundle that requests carries.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
import requests.adapters

from integrations.base import DeliveryFailed
from integrations.savage_rentals import SavageRentalsIntegration, from_config
from integrations.transcript import Transcript, build_transcript
from raw_http_server import RawServer, raw_server, respond

BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


@pytest.fixture
def transcript() -> Transcript:
    return build_transcript(4, "Customer", datetime(2020, 9, 29, 9, 0), datetime(2020, 9, 29, 9, 5), [])


def integration(url: str, **settings: object) -> SavageRentalsIntegration:
    return from_config({"api_url": url, "backoff_seconds": 0, "timeout_seconds": 2, **settings}, {})


def failure_of(client: SavageRentalsIntegration, transcript: Transcript) -> DeliveryFailed:
    with pytest.raises(DeliveryFailed) as failure:
        client.deliver(transcript)
    return failure.value


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
def trusted(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # OpenSSL's default trust store, for this test


@pytest.fixture
def no_bundle_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in BUNDLE_VARIABLES:  # many machines set them, often to the system's bundle
        monkeypatch.delenv(variable, raising=False)


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

    assert str(failure) == (
        f"Could not connect securely to the Savage Rentals API at {url}: its certificate could not be verified "
        "(Hostname mismatch, certificate is not valid for 'localhost')."
    )


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


@pytest.mark.parametrize("variable", BUNDLE_VARIABLES)
def test_the_bundle_a_requests_variable_names_is_trusted_besides_the_system_store(
    transcript: Transcript,
    tls: ssl.SSLContext,
    certificate: tuple[Path, Path],
    no_bundle_variables: None,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)  # the system's own store, which lacks the test's certificate
    monkeypatch.setenv(variable, str(certificate[0]))

    with raw_server(respond(201, b'{"id": 6}'), tls=tls) as server:
        receipt = integration(server.url()).deliver(transcript)

    assert (receipt.http_status, receipt.response) == (201, '{"id": 6}')


def test_the_certifi_bundle_requests_carries_is_not_trusted(
    transcript: Transcript,
    tls: ssl.SSLContext,
    certificate: tuple[Path, Path],
    no_bundle_variables: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # requests would load its own bundle for every https request; here that bundle is the test's certificate.
    monkeypatch.setattr(requests.adapters, "DEFAULT_CA_BUNDLE_PATH", str(certificate[0]))

    with raw_server(respond(201, b"ok"), tls=tls) as server:
        failure = failure_of(integration(server.url()), transcript)

    assert str(failure).endswith("its certificate could not be verified (self-signed certificate).")
    assert server.requests == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "no such file or directory"), ("not a certificate\n", "no certificate or crl found")],
    ids=["missing", "not-a-certificate"],
)
def test_a_bundle_that_cannot_be_read_is_named_and_nothing_is_sent(
    transcript: Transcript,
    tls: ssl.SSLContext,
    no_bundle_variables: None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    content: str | None,
    reason: str,
) -> None:
    bundle = tmp_path / "company-ca.pem"
    if content is not None:
        bundle.write_text(content)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))

    with raw_server(respond(201, b"ok"), tls=tls) as server:
        failure = failure_of(integration(server.url(), retries=2), transcript)

    assert str(failure) == (
        f"Could not connect securely to the Savage Rentals API at {server.url()}: the certificate bundle "
        f"{bundle} named by REQUESTS_CA_BUNDLE could not be read ({reason})."
    )
    assert server.requests == []
