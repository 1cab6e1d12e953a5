"""What every client integration offers, what it returns and how it fails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from integrations.transcript import Transcript


@dataclass(frozen=True)
class DeliveryReceipt:
    path: str | None = None  # folder clients: absolute path of the written file
    http_status: int | None = None  # API clients
    response: str | None = None  # API clients: response body text
    tries: int = 1  # requests sent (or files written) for this delivery, the integration's own retries included


class DeliveryFailed(Exception):
    """A transcript did not reach the client; str(exc) is one sentence a manager can read.

    needs_attention: the client refused it (a wrong token, URL or payload), so sending it again unchanged
    cannot succeed; it waits for a person to fix the configuration and retry it, not for automatic retries.
    tries: requests sent (or files written) before giving up, the integration's own retries included.
    """

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        response: str | None = None,
        needs_attention: bool = False,
        tries: int = 1,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.response = response
        self.needs_attention = needs_attention
        self.tries = tries


class IntegrationConfigError(Exception):
    """The integration's configuration section is wrong; .key names the offending setting."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(key, message)
        self.key = key
        self.message = message

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


@runtime_checkable
class TranscriptIntegration(Protocol):
    client: str  # registry name, e.g. "savage_rentals"

    def render(self, transcript: Transcript) -> str:
        """Exactly the content this client receives."""
        ...

    def deliver(self, transcript: Transcript) -> DeliveryReceipt:
        """Send the rendered transcript; raises DeliveryFailed on any failure."""
        ...

    def describe(self) -> str:
        """One short line for a status bar, without secrets."""
        ...

    def redact(self, text: str) -> str:
        """text with this client's secrets hidden, for an error the integration did not turn into a sentence."""
        ...
