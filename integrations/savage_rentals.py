"""Savage Rentals: each transcript is POSTed as JSON {"content": <text>} to the client's CRM API.

Time bounds: one attempt, from name lookup and connect to the answer's last byte, ends within timeout_seconds; a
whole delivery, its retries and the waits between them included, ends within (retries + 1) x timeout_seconds.
Connection failures and 408, 429 and 5xx answers are retried within that total, after backoff_seconds, twice
that, and so on, or after the answer's Retry-After when it leaves time for another attempt. A refusal (other
3xx and 4xx) is not retried: sending it again unchanged cannot succeed, so it needs a person's attention.
"""

from __future__ import annotations

import base64
import itertools
import json
import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from http.client import HTTPException
from urllib.parse import unquote, urlsplit

import requests
from urllib3.exceptions import HTTPError

from integrations import http_attempt
from integrations.base import DeliveryFailed, DeliveryReceipt, IntegrationConfigError
from integrations.config_values import (
    optional_non_negative_int,
    optional_non_negative_number,
    optional_positive_number,
    optional_string,
    required_http_url,
    url_for_display,
    warn_about_unknown_keys,
)
from integrations.redaction import Redactor, hide_in_library_logs, secrets_of
from integrations.savage_rentals_errors import (
    API_NAME,
    failure_for_answer,
    failure_for_exception,
    is_delivered,
    retry_after_seconds,
    with_retry_after_refused,
)
from integrations.transcript import Transcript, delivery_key

logger = logging.getLogger(__name__)

CLIENT = "savage_rentals"
DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF_SECONDS = 0.5
MAX_ANSWER_BYTES = 64 * 1024  # more than any receipt worth keeping; the rest of a longer answer is not read
_KNOWN_KEYS = frozenset({"api_url", "token_env", "timeout_seconds", "retries", "backoff_seconds"})
_ATTEMPT_ERRORS = (
    http_attempt.AttemptTimedOut,
    http_attempt.AnswerBroken,
    http_attempt.CertificateBundleUnreadable,
    requests.RequestException,
    HTTPError,
    HTTPException,
    OSError,
)


def idempotency_key(transcript: Transcript) -> str:
    """The same key for every delivery of one chat, so the API can drop a retried duplicate."""
    return delivery_key(transcript)


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
        self._token = token
        # The one place every text this client produces (messages, stored answers, log records) passes through.
        self._redact = Redactor(secrets_of(api_url, token))
        hide_in_library_logs(self._redact)

    def __repr__(self) -> str:
        token = "<hidden>" if self._token is not None else None
        return (
            f"{type(self).__name__}(api_url={url_for_display(self.api_url)!r}, token={token}, "
            f"timeout_seconds={self.timeout_seconds}, retries={self.retries}, "
            f"backoff_seconds={self.backoff_seconds})"
        )

    @property
    def total_seconds(self) -> float:
        """The longest a delivery may take, every attempt and wait included."""
        return (self.retries + 1) * self.timeout_seconds

    def render(self, transcript: Transcript) -> str:
        return transcript.text

    def deliver(self, transcript: Transcript) -> DeliveryReceipt:
        url = url_for_display(self.api_url)
        try:
            status, response, tries = self._send(transcript)
        except DeliveryFailed as failure:
            logger.warning("Delivering chat %s to %s failed: %s", transcript.chat_id, url, failure)
            raise
        logger.info("Delivered chat %s to %s: HTTP %s", transcript.chat_id, url, status)
        return DeliveryReceipt(http_status=status, response=response, tries=tries)

    def describe(self) -> str:
        return f"{API_NAME} · {url_for_display(self.api_url)}"

    def redact(self, text: str) -> str:
        return self._redact(text)

    def _send(self, transcript: Transcript) -> tuple[int, str, int]:
        """(status, redacted answer, requests sent) of the first 2xx answer; raises DeliveryFailed with the last
        failure, its tries the requests sent."""
        body = json.dumps({"content": self.render(transcript)}).encode()
        headers = self._headers(transcript)
        deadline = time.monotonic() + self.total_seconds
        for attempt in itertools.count(1):
            limit = min(self.timeout_seconds, deadline - time.monotonic())
            retry_after = None
            try:
                answer = http_attempt.post(self.api_url, body, headers, limit, max_body=MAX_ANSWER_BYTES)
            except _ATTEMPT_ERRORS as exc:
                failure = failure_for_exception(exc, url_for_display(self.api_url), round(limit, 1), self._redact)
            else:
                text = self._answer_text(answer)
                if is_delivered(answer.status):
                    return answer.status, text, attempt
                failure = failure_for_answer(answer, text, attempt, self.api_url, self._redact)
                retry_after = retry_after_seconds(answer.headers.get("Retry-After"), datetime.now(UTC))
            failure.failed.tries = attempt
            if not failure.retry_now or attempt > self.retries:
                raise failure.failed
            wait = retry_after if retry_after is not None else self.backoff_seconds * 2 ** (attempt - 1)
            # The next attempt must still get a useful share of the total, not a fraction of a second.
            if wait + min(self.timeout_seconds / 2, 1.0) > deadline - time.monotonic():
                last = failure if retry_after is None else with_retry_after_refused(failure, retry_after)
                last.failed.tries = attempt
                raise last.failed
            time.sleep(wait)
        raise AssertionError("unreachable")

    def _headers(self, transcript: Transcript) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "arthur-desktop",
            "Idempotency-Key": idempotency_key(transcript),
        }
        parts = urlsplit(self.api_url)
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token}"
        elif parts.username is not None:  # user info in api_url: HTTP Basic, as browsers and curl do
            credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
        return headers

    def _answer_text(self, answer: http_attempt.HttpAnswer) -> str:
        text = answer.body.decode("utf-8", errors="replace")
        if not answer.complete:  # a secret cut in two at the end would not be recognised: drop that tail
            text = text[: max(0, len(text) - self._redact.longest_form)] + "…"
        return self._redact(text)


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
