"""Turn what went wrong with the Savage Rentals API into one sentence a manager can read, without secrets.

Every piece of text that comes from outside (the answer's body and headers, an error's reason) passes through
the integration's redactor before it is shortened or put into a sentence; the whole sentence passes again.
"""

from __future__ import annotations

import http.client
import json
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import requests
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from integrations.base import DeliveryFailed
from integrations.config_values import url_for_display
from integrations.http_attempt import AnswerBroken, AttemptTimedOut, CertificateBundleUnreadable, HttpAnswer

API_NAME = "Savage Rentals API"
MAX_MESSAGE_CHARACTERS = 300
_MESSAGE_KEYS = ("message", "error", "detail", "title", "description")
# Worth another attempt within the same delivery: the server is busy or had a passing fault.
RETRIED_STATUSES = frozenset({408, 429, *range(500, 600)})

Redact = Callable[[str], str]


@dataclass(frozen=True)
class Failure:
    failed: DeliveryFailed
    retry_now: bool  # another attempt within this delivery may succeed


def is_delivered(status: int) -> bool:
    return 200 <= status < 300


def needs_attention(status: int) -> bool:
    """A redirect or a refusal (400, 401, 403, 404, 422...): sending it again unchanged cannot succeed."""
    return 300 <= status < 500 and status not in RETRIED_STATUSES


def failure_for_answer(answer: HttpAnswer, body: str, attempts: int, api_url: str, redact: Redact) -> Failure:
    """A non-2xx answer: the API's own message, the status, and the (redacted) body."""
    status = answer.status
    message = api_message(body, redact)
    if needs_attention(status) and status < 400:
        location = answer.headers.get("Location")
        where = f" to {url_for_display(urljoin(api_url, location))}" if location else ""
        sentence = f"The {API_NAME} redirected the transcript{where} (HTTP {status}); check api_url"
    elif needs_attention(status):
        sentence = f"The {API_NAME} refused the transcript (HTTP {status})"
    elif status >= 500:
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        sentence = f"The {API_NAME} failed with HTTP {status}{tries}"
    elif status in RETRIED_STATUSES:
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        sentence = f"The {API_NAME} asked to be retried later (HTTP {status}){tries}"
    else:
        sentence = f"The {API_NAME} gave an unexpected answer (HTTP {status})"
    sentence = f"{sentence}: {message}" if message else f"{sentence}."
    failed = DeliveryFailed(
        redact(sentence), http_status=status, response=body, needs_attention=needs_attention(status)
    )
    return Failure(failed, retry_now=status in RETRIED_STATUSES)


def failure_for_exception(exc: Exception, url: str, seconds: float, redact: Redact) -> Failure:
    """No complete answer: a timeout, a refused or broken connection, a TLS problem, an unreadable answer."""
    limit = f"{seconds:g} s"
    retry_now = False
    cause = _urllib3_cause(exc)
    if isinstance(exc, AttemptTimedOut) and not exc.connected:
        sentence, retry_now = f"Could not connect to the {API_NAME} at {url} within {limit}.", True
    elif isinstance(exc, AttemptTimedOut) and exc.status is None:
        sentence = f"The {API_NAME} did not answer within {limit}."
    elif isinstance(exc, AttemptTimedOut):
        sentence = f"The {API_NAME} answered HTTP {exc.status} but did not finish its answer within {limit}."
    elif isinstance(exc, AnswerBroken):
        decoding = _first(exc.cause, DecodeError, requests.exceptions.ContentDecodingError) is not None
        what = "could not be decoded" if decoding else "broke off before its end"
        sentence = f"The {API_NAME}'s answer (HTTP {exc.status}) {what}."
    elif isinstance(exc, CertificateBundleUnreadable):
        reason = _ssl_reason(exc.cause) or _operating_system_reason(exc.cause) or type(exc.cause).__name__
        sentence = (
            f"Could not connect securely to the {API_NAME} at {url}: the certificate bundle {exc.path} "
            f"named by {exc.variable} could not be read ({reason})."
        )
    elif isinstance(cause, NewConnectionError):  # a subclass of ConnectTimeoutError in urllib3 2
        reason = _operating_system_reason(cause)
        sentence, retry_now = (
            f"Could not connect to the {API_NAME} at {url}" + (f": {reason}." if reason else "."),
            True,
        )
    elif isinstance(cause, ConnectTimeoutError) or isinstance(exc, requests.ConnectTimeout):
        sentence, retry_now = f"Could not connect to the {API_NAME} at {url} within {limit}.", True
    elif isinstance(cause, (SSLError, ssl.SSLError)) or isinstance(exc, requests.exceptions.SSLError):
        sentence = f"Could not connect securely to the {API_NAME} at {url}: {_tls_reason(exc)}."
    elif isinstance(cause, ReadTimeoutError) or isinstance(exc, requests.ReadTimeout):
        sentence = f"The {API_NAME} did not answer within {limit}."
    elif isinstance(cause, ProtocolError):
        inner = _first(cause, ConnectionError, http.client.BadStatusLine)  # the built-in ConnectionError
        if inner is None or isinstance(inner, ConnectionError):  # RemoteDisconnected is both
            sentence, retry_now = f"The connection to the {API_NAME} at {url} broke before it answered.", True
        else:
            sentence = f"The {API_NAME} at {url} answered with something that is not HTTP."
    else:
        sentence = f"Could not send the transcript to the {API_NAME} at {url} ({type(exc).__name__})."
    return Failure(DeliveryFailed(redact(sentence)), retry_now)


def _urllib3_cause(exc: BaseException) -> BaseException:
    """What urllib3 raised: requests raises its own exception while handling urllib3's, and urllib3 puts a
    MaxRetryError around a failure to connect, even with retries off."""
    current = exc
    while isinstance(current, (requests.RequestException, MaxRetryError)):
        inner = current.reason if isinstance(current, MaxRetryError) else current.__context__
        if inner is None:
            break
        current = inner
    return current


def with_retry_after_refused(failure: Failure, seconds: float) -> Failure:
    """The API asked to wait longer than this delivery may take: say so; the transcript stays queued."""
    old = failure.failed
    sentence = old.message if old.message.endswith((".", "…", "!", "?")) else old.message + "."
    sentence += f" It asked to wait {_duration(seconds)} before a retry, longer than this delivery may take;"
    sentence += " the transcript stays queued."
    failed = DeliveryFailed(sentence, http_status=old.http_status, response=old.response)
    return Failure(failed, retry_now=False)


def _duration(seconds: float) -> str:
    for unit, size, up_to in (("s", 1, 120), ("min", 60, 120 * 60), ("h", 3600, 48 * 3600)):
        if seconds < up_to:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds / 86400:.0f} days"


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def api_message(body: str, redact: Redact = str) -> str:
    """The human part of an error body (a JSON "message", "error"... field, else the text) on one line."""
    text = body.strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        text = next((parsed[key] for key in _MESSAGE_KEYS if isinstance(parsed.get(key), str)), text)
    return _truncated(" ".join(redact(text).split()))


def _truncated(text: str) -> str:
    if len(text) <= MAX_MESSAGE_CHARACTERS:
        return text
    return text[: MAX_MESSAGE_CHARACTERS - 1].rstrip() + "…"


def _tls_reason(exc: BaseException) -> str:
    verification = _first(exc, ssl.SSLCertVerificationError)
    if isinstance(verification, ssl.SSLCertVerificationError):
        reason = (verification.verify_message or "unknown reason").rstrip(".")  # "Hostname mismatch, ...'x'."
        return f"its certificate could not be verified ({reason})"
    reason = _ssl_reason(_first(exc, ssl.SSLError))
    return f"the TLS handshake failed ({reason})" if reason else "the TLS handshake failed"


def _ssl_reason(exc: BaseException | None) -> str:
    """OpenSSL's reason in words, e.g. "wrong version number"; empty for other errors."""
    reason = getattr(exc, "reason", None) if isinstance(exc, ssl.SSLError) else None
    return str(reason).replace("_", " ").lower() if reason else ""


def _first(exc: BaseException, *kinds: type[BaseException]) -> BaseException | None:
    return next((current for current in _chain(exc) if isinstance(current, kinds)), None)


def _operating_system_reason(exc: BaseException) -> str:
    """The first OS-level reason in the chain, e.g. "connection refused" or "name or service not known"."""
    for current in _chain(exc):
        if isinstance(current, OSError) and current.strerror:
            return current.strerror.rstrip(".").lower()
    return ""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """exc, then the exceptions in its arguments, reasons and causes, breadth first."""
    seen: set[int] = set()
    pending: list[object] = [exc]
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend([*current.args, getattr(current, "reason", None), current.__cause__, current.__context__])
