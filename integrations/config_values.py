"""Readers for one integration's configuration section that name the offending key when a value is wrong."""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Mapping
from urllib.parse import urlsplit, urlunsplit

from integrations.base import IntegrationConfigError

logger = logging.getLogger(__name__)

# The section may carry the key that chose the client; it is not a setting of the client itself.
_ALWAYS_ALLOWED_KEYS = frozenset({"client"})
# Upper bounds, so that a typo such as 1e300 is a config error, not a failure at every delivery (a socket
# timeout must fit the C library's) or a wait of hours. Five minutes is also how long a delivery holds its claim.
MAX_SECONDS = 300
MAX_COUNT = 10


def warn_about_unknown_keys(section: Mapping[str, object], known_keys: Collection[str], client: str) -> None:
    """Log keys the client does not read, so a misspelt optional setting does not go unnoticed."""
    unknown = sorted(set(section) - set(known_keys) - _ALWAYS_ALLOWED_KEYS)
    if unknown:
        logger.warning("Ignoring unknown %s settings: %s", client, ", ".join(unknown))


def required_string(section: Mapping[str, object], key: str) -> str:
    if key not in section or section[key] is None:
        raise IntegrationConfigError(key, "is required")
    value = section[key]
    if not isinstance(value, str):
        raise IntegrationConfigError(key, f"must be a string, not {type(value).__name__}")
    if not value.strip():
        raise IntegrationConfigError(key, "must not be empty")
    return value.strip()


def optional_string(section: Mapping[str, object], key: str) -> str | None:
    if section.get(key) is None:
        return None
    return required_string(section, key)


def required_http_url(section: Mapping[str, object], key: str) -> str:
    url = required_string(section, key)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise IntegrationConfigError(key, "is not a valid URL") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise IntegrationConfigError(key, "must be an http:// or https:// URL")
    if not parts.hostname:
        raise IntegrationConfigError(key, "must name a host, e.g. https://crm.example/transcripts")
    return url


def url_for_display(url: str) -> str:
    """The URL without user info, query or fragment, which may hold credentials."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def optional_positive_number(
    section: Mapping[str, object], key: str, default: float, *, maximum: float = MAX_SECONDS
) -> float:
    value = _optional_number(section, key, default)
    if not 0 < value <= maximum:
        raise IntegrationConfigError(key, f"must be a number of seconds above 0 and at most {maximum}, not {value}")
    return value


def optional_non_negative_number(
    section: Mapping[str, object], key: str, default: float, *, maximum: float = MAX_SECONDS
) -> float:
    value = _optional_number(section, key, default)
    if not 0 <= value <= maximum:
        raise IntegrationConfigError(key, f"must be a number of seconds from 0 to {maximum}, not {value}")
    return value


def optional_non_negative_int(
    section: Mapping[str, object], key: str, default: int, *, maximum: int = MAX_COUNT
) -> int:
    value = section.get(key)
    if value is None:
        return default
    # bool is an int subclass; `retries = true` is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise IntegrationConfigError(key, f"must be a whole number, not {value!r}")
    if not 0 <= value <= maximum:
        raise IntegrationConfigError(key, f"must be a whole number from 0 to {maximum}, not {value}")
    return value


def _optional_number(section: Mapping[str, object], key: str, default: float) -> float:
    value = section.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IntegrationConfigError(key, f"must be a number, not {value!r}")
    if not math.isfinite(value):
        raise IntegrationConfigError(key, f"must be a finite number, not {value}")
    return float(value)
