"""Hide an integration's secrets in every form an API may echo them: raw, escaped or percent-encoded.

The secrets are the bearer token, the password in the URL's user info and the values of the URL's query
parameters. Each character of a secret may come back as itself or as any of its escapes (JSON's \\u0041 and \\/,
%41, &#65;, \\x41, a backslash before punctuation, + for a space), in any mix, so one pattern per secret
matches all of them. Base64 and other re-encodings of a whole secret are out of reach and out of scope.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
import weakref
from collections.abc import Iterable
from urllib.parse import unquote, unquote_plus, urlsplit

HIDDEN = "<hidden>"
# Query values shorter than this are not credentials (page=1, v=2): hiding them would hide every 1 and 2.
MIN_QUERY_SECRET_CHARACTERS = 4


class Redactor:
    """Replaces every occurrence of the given secrets, in any of the forms above, by <hidden>."""

    def __init__(self, secrets: Iterable[str]) -> None:
        unique = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
        self._pattern = re.compile("|".join(_secret_pattern(secret) for secret in unique)) if unique else None
        # The longest form of one character is a JSON surrogate pair, \ud83d\ude00: 12 characters.
        self.longest_form = max((len(secret) * 12 for secret in unique), default=0)

    def __call__(self, text: str) -> str:
        return text if self._pattern is None else self._pattern.sub(HIDDEN, text)


def secrets_of(url: str, token: str | None) -> list[str]:
    """The token, the URL's user-info password (and its Basic credentials) and its query values."""
    parts = urlsplit(url)
    secrets = [token] if token else []
    if parts.password:
        user, password = unquote(parts.username or ""), unquote(parts.password)
        secrets += [password, parts.password, base64.b64encode(f"{user}:{password}".encode()).decode()]
    for field in re.split(r"[&;]", parts.query):
        value = field.partition("=")[2]
        variants = {value, unquote(value), unquote_plus(value)}
        secrets += [v for v in variants if len(v) >= MIN_QUERY_SECRET_CHARACTERS]
    return secrets


def _secret_pattern(secret: str) -> str:
    return "".join(_character_pattern(character) for character in secret)


def _character_pattern(character: str) -> str:
    code = ord(character)
    forms = [re.escape(character), rf"&\#{code};", rf"(?i:&\#x{code:x};)"]
    forms += ["".join(rf"(?i:%{byte:02x})" for byte in character.encode())]
    if code < 0x10000:
        forms.append(rf"(?i:\\u{code:04x})")
    else:  # JSON writes a character beyond the BMP as a surrogate pair
        high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        forms.append(rf"(?i:\\u{high:04x}\\u{low:04x})")
    if code < 0x100:
        forms.append(rf"(?i:\\x{code:02x})")
    if not character.isalnum():
        forms.append(re.escape("\\" + character))  # \/ in JSON, \" and \\ too
    if character == " ":
        forms.append(r"\+")
    return "(?:" + "|".join(forms) + ")"


class _HideSecretsInLibraryLogs(logging.Filter):
    """urllib3 logs request lines and URLs (with the query) and, on a malformed answer, the raw headers."""

    _QUERY = re.compile(r"\?[^\s\"'<>]*")

    def filter(self, record: logging.LogRecord) -> bool:
        message = self._QUERY.sub("?" + HIDDEN, record.getMessage())
        for redact in list(_ACTIVE_REDACTORS):
            message = redact(message)
        record.msg, record.args = message, None
        if record.exc_info is not None:  # the exception's text holds the same URL and headers
            record.msg = f"{record.msg} ({record.exc_info[0].__name__ if record.exc_info[0] else 'error'})"
            record.exc_info, record.exc_text = None, None
        return True


_ACTIVE_REDACTORS: weakref.WeakSet[Redactor] = weakref.WeakSet()
_FILTER = _HideSecretsInLibraryLogs()
_LOCK = threading.Lock()


def hide_in_library_logs(redactor: Redactor, library: str = "urllib3") -> None:
    """Apply the redactor, and hide URL queries, in every record the HTTP library logs, at every level."""
    with _LOCK:
        _ACTIVE_REDACTORS.add(redactor)
        names = [library, *(name for name in logging.root.manager.loggerDict if name.startswith(library + "."))]
        for name in names:
            library_logger = logging.getLogger(name)
            if _FILTER not in library_logger.filters:
                library_logger.addFilter(_FILTER)
