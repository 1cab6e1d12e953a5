"""Turn what went wrong with the Savage Rentals API into one DeliveryFailed sentence a manager can read."""

from __future__ import annotations

import json

import requests
from urllib3.exceptions import MaxRetryError, ProtocolError, ReadTimeoutError

from integrations.base import DeliveryFailed

API_NAME = "Savage Rentals API"
MAX_MESSAGE_CHARACTERS = 300
_MESSAGE_KEYS = ("message", "error", "detail", "title", "description")
_HIDDEN = "<hidden>"


def failure_for_response(response: requests.Response, attempts: int, token: str | None) -> DeliveryFailed:
    """A non-2xx answer: the API's own message, the status, and the body, all without the token."""
    status = response.status_code
    body = without_token(response.text, token)
    message = api_message(body)
    if 400 <= status < 500:
        sentence = f"The {API_NAME} refused the transcript (HTTP {status})"
    elif status >= 500:
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        sentence = f"The {API_NAME} failed with HTTP {status}{tries}"
    else:
        sentence = f"The {API_NAME} gave an unexpected answer (HTTP {status})"
    sentence = f"{sentence}: {message}" if message else f"{sentence}."
    return DeliveryFailed(sentence, http_status=status, response=body)


def failure_for_exception(exc: requests.RequestException, url: str, timeout_seconds: float) -> DeliveryFailed:
    """No answer at all: a timeout, a refused or broken connection, a TLS problem."""
    seconds = f"{timeout_seconds:g}"
    if isinstance(exc, requests.ConnectTimeout):
        return DeliveryFailed(f"Could not connect to the {API_NAME} at {url} within {seconds} s.")
    underlying = _underlying_urllib3_error(exc)
    if isinstance(exc, requests.ReadTimeout) or isinstance(underlying, ReadTimeoutError):
        return DeliveryFailed(f"The {API_NAME} did not answer within {seconds} s.")
    if isinstance(exc, requests.exceptions.SSLError):
        return DeliveryFailed(f"Could not connect securely to the {API_NAME} at {url}: the TLS handshake failed.")
    if isinstance(underlying, ProtocolError):
        return DeliveryFailed(f"The connection to the {API_NAME} at {url} broke before it answered.")
    if isinstance(exc, requests.ConnectionError):
        reason = _operating_system_reason(exc)
        suffix = f": {reason}." if reason else "."
        return DeliveryFailed(f"Could not connect to the {API_NAME} at {url}{suffix}")
    return DeliveryFailed(f"Could not send the transcript to the {API_NAME} at {url} ({type(exc).__name__}).")


def api_message(body: str) -> str:
    """The human part of an error body (a JSON "message", "error"... field, else the text) on one line."""
    text = body.strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        text = next((parsed[key] for key in _MESSAGE_KEYS if isinstance(parsed.get(key), str)), text)
    return _truncated(" ".join(text.split()))


def _truncated(text: str) -> str:
    if len(text) <= MAX_MESSAGE_CHARACTERS:
        return text
    return text[: MAX_MESSAGE_CHARACTERS - 1].rstrip() + "…"


def without_token(text: str, token: str | None) -> str:
    # An API may echo a rejected token back ("invalid token ..."); it must not reach messages or logs.
    return text.replace(token, _HIDDEN) if token else text


def _underlying_urllib3_error(exc: requests.RequestException) -> object:
    cause = exc.args[0] if exc.args else None
    return cause.reason if isinstance(cause, MaxRetryError) else cause


def _operating_system_reason(exc: BaseException) -> str:
    """The first OS-level reason in the chain, e.g. "connection refused" or "name or service not known"."""
    seen: set[int] = set()
    pending: list[object] = [exc]
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return current.strerror.rstrip(".").lower()
        pending.extend([*current.args, getattr(current, "reason", None), current.__cause__, current.__context__])
    return ""
