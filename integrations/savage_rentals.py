"""Savage Rentals: each transcript is POSTed as JSON {"content": <text>} to the client's CRM API."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from urllib3.util import Retry

from integrations.base import DeliveryReceipt, IntegrationConfigError
from integrations.config_values import (
    optional_non_negative_int,
    optional_non_negative_number,
    optional_positive_number,
    optional_string,
    required_http_url,
    url_for_display,
    warn_about_unknown_keys,
)
from integrations.savage_rentals_errors import API_NAME, failure_for_exception, failure_for_response, without_token
from integrations.transcript import Transcript, delivery_key

logger = logging.getLogger(__name__)

CLIENT = "savage_rentals"
RETRIED_STATUSES = frozenset({500, 502, 503, 504})
DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF_SECONDS = 0.5
_KNOWN_KEYS = frozenset({"api_url", "token_env", "timeout_seconds", "retries", "backoff_seconds"})


def idempotency_key(transcript: Transcript) -> str:
    """The same key for every delivery of one chat, so the API can drop a retried duplicate."""
    return delivery_key(transcript)


class _BearerAuth(AuthBase):
    """Adds the token on the way out; passing auth also stops requests using .netrc credentials instead."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "_BearerAuth(<hidden>)"


class SavageRentalsIntegration:
    client: str = CLIENT

    def __init__(
        self,
        api_url: str,
        *,
        token: str | None = None,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        retries: int = DEFAULT_RETRIES,
        backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
    ) -> None:
        if token is not None:
            _check_token_is_header_safe(token)
        self.api_url = api_url
        self.timeout_seconds = timeout_seconds
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self._auth = None if token is None else _BearerAuth(token)
        self._token = token

    def __repr__(self) -> str:
        token = "<hidden>" if self._token is not None else None
        return (
            f"{type(self).__name__}(api_url={url_for_display(self.api_url)!r}, token={token}, "
            f"timeout_seconds={self.timeout_seconds}, retries={self.retries}, "
            f"backoff_seconds={self.backoff_seconds})"
        )

    def render(self, transcript: Transcript) -> str:
        return transcript.text

    def deliver(self, transcript: Transcript) -> DeliveryReceipt:
        url = url_for_display(self.api_url)
        try:
            with self._new_session() as session:
                response = session.post(
                    self.api_url,
                    json={"content": self.render(transcript)},
                    headers={"Idempotency-Key": idempotency_key(transcript)},
                    auth=self._auth,
                    timeout=(self.timeout_seconds, self.timeout_seconds),
                    allow_redirects=False,  # a redirected POST would arrive as a GET without the transcript
                )
        except requests.RequestException as exc:
            failure = failure_for_exception(exc, url, self.timeout_seconds)
            logger.warning("Delivering chat %s to %s failed: %s", transcript.chat_id, url, failure)
            raise failure from exc
        if not 200 <= response.status_code < 300:
            failure = failure_for_response(response, self._attempts_for(response.status_code), self._token)
            logger.warning("Delivering chat %s to %s failed: %s", transcript.chat_id, url, failure)
            raise failure
        logger.info("Delivered chat %s to %s: HTTP %s", transcript.chat_id, url, response.status_code)
        # Stored and shown to managers: an API that echoes the token must not put it there either.
        return DeliveryReceipt(http_status=response.status_code, response=without_token(response.text, self._token))

    def describe(self) -> str:
        return f"{API_NAME} · {url_for_display(self.api_url)}"

    def _attempts_for(self, status: int) -> int:
        return self.retries + 1 if status in RETRIED_STATUSES else 1

    def _new_session(self) -> requests.Session:
        # A session per delivery: deliveries may run on several worker threads; Session is not thread-safe.
        retry = Retry(
            total=self.retries,
            connect=self.retries,
            read=False,  # a read timeout is not retried: the user would wait (retries + 1) x timeout_seconds
            status=self.retries,
            other=0,
            status_forcelist=RETRIED_STATUSES,
            allowed_methods=Retry.DEFAULT_ALLOWED_METHODS | {"POST"},  # safe thanks to the Idempotency-Key
            backoff_factor=self.backoff_seconds,
            raise_on_status=False,
            respect_retry_after_header=False,  # keeps the wait bounded whatever the server asks for
        )
        session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session


def from_config(section: Mapping[str, object], environ: Mapping[str, str]) -> SavageRentalsIntegration:
    """Validate the section; the bearer token is read from the environment variable named by token_env."""
    warn_about_unknown_keys(section, _KNOWN_KEYS, CLIENT)
    return SavageRentalsIntegration(
        required_http_url(section, "api_url"),
        token=_token_from_environment(section, environ),
        timeout_seconds=optional_positive_number(section, "timeout_seconds", DEFAULT_TIMEOUT_SECONDS),
        retries=optional_non_negative_int(section, "retries", DEFAULT_RETRIES),
        backoff_seconds=optional_non_negative_number(section, "backoff_seconds", DEFAULT_BACKOFF_SECONDS),
    )


def _token_from_environment(section: Mapping[str, object], environ: Mapping[str, str]) -> str | None:
    variable = optional_string(section, "token_env")
    if variable is None:
        return None
    token = environ.get(variable)
    if token is None:
        raise IntegrationConfigError("token_env", f"environment variable {variable} is not set")
    token = token.strip()
    if not token:
        raise IntegrationConfigError("token_env", f"environment variable {variable} is empty")
    _check_token_is_header_safe(token, variable)
    return token


def _check_token_is_header_safe(token: str, variable: str = "") -> None:
    # Checked here so requests never raises an InvalidHeader error, whose message would quote the token.
    if not (token and token.isascii() and token.isprintable() and " " not in token):
        where = f"environment variable {variable}" if variable else "the token"
        raise IntegrationConfigError("token_env", f"{where} holds characters a bearer token cannot contain")
