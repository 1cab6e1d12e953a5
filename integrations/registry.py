"""Which integration serves which client. A new client is one module with from_config plus one line here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from integrations import absolutely_class_airlines, savage_rentals
from integrations.base import IntegrationConfigError, TranscriptIntegration

# (the client's configuration section, the process environment) -> a ready integration
IntegrationFactory = Callable[[Mapping[str, object], Mapping[str, str]], TranscriptIntegration]

INTEGRATIONS: Mapping[str, IntegrationFactory] = MappingProxyType(
    {
        absolutely_class_airlines.CLIENT: absolutely_class_airlines.from_config,
        savage_rentals.CLIENT: savage_rentals.from_config,
    }
)


def create_integration(client: str, section: Mapping[str, object], environ: Mapping[str, str]) -> TranscriptIntegration:
    """Build the named client's integration; raises IntegrationConfigError naming the offending key."""
    factory = INTEGRATIONS.get(client)
    if factory is None:
        expected = ", ".join(sorted(INTEGRATIONS))
        raise IntegrationConfigError("client", f"unknown client {client!r}; expected one of: {expected}")
    return factory(section, environ)
