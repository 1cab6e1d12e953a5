"""Client transcript integrations: a plain Transcript becomes a delivery (HTTP API, folder). No Qt, no ORM."""

from integrations.base import DeliveryFailed, DeliveryReceipt, IntegrationConfigError, TranscriptIntegration
from integrations.registry import INTEGRATIONS, IntegrationFactory, create_integration
from integrations.transcript import (
    Transcript,
    TranscriptLine,
    build_transcript,
    format_transcript,
    whole_seconds_between,
)

__all__ = [
    "INTEGRATIONS",
    "DeliveryFailed",
    "DeliveryReceipt",
    "IntegrationConfigError",
    "IntegrationFactory",
    "Transcript",
    "TranscriptIntegration",
    "TranscriptLine",
    "build_transcript",
    "create_integration",
    "format_transcript",
    "whole_seconds_between",
]
