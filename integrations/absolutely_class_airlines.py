"""Absolutely Class Airlines: each transcript becomes the next numbered text file in the customer's folder."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from pathlib import Path

from integrations.base import DeliveryFailed, DeliveryReceipt, IntegrationConfigError
from integrations.config_values import required_string, warn_about_unknown_keys
from integrations.customer_folders import customer_folder_name
from integrations.folder_delivery import deliver_once
from integrations.transcript import Transcript, delivery_key

logger = logging.getLogger(__name__)

CLIENT = "absolutely_class_airlines"
_OUTPUT_FOLDER_KEY = "output_folder"


class AbsolutelyClassAirlinesIntegration:
    client: str = CLIENT

    def __init__(self, output_folder: Path) -> None:
        self.output_folder = output_folder.expanduser().absolute()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(output_folder={str(self.output_folder)!r})"

    def render(self, transcript: Transcript) -> str:
        if transcript.handling_seconds is None:  # a preview of a chat still in progress
            return transcript.text
        return f"{transcript.text}\nThis chat took {transcript.handling_seconds} seconds to handle."

    def deliver(self, transcript: Transcript) -> DeliveryReceipt:
        """Write the next numbered file of the customer's folder, exactly once per chat: a retry after a crash
        at any point, or after a full disk, finds this chat's file instead of writing a second one."""
        folder_name = customer_folder_name(transcript.customer_name)
        customer_folder = self.output_folder / folder_name
        content = self.render(transcript).encode("utf-8")
        try:
            path = deliver_once(self.output_folder, folder_name, delivery_key(transcript), content)
        except OSError as exc:
            logger.warning("Could not save chat %s in %s: %s", transcript.chat_id, customer_folder, exc)
            raise DeliveryFailed(
                f"Could not save the transcript of chat {transcript.chat_id} in {customer_folder}: {_reason(exc)}."
            ) from exc
        logger.info("Saved chat %s as %s", transcript.chat_id, path)
        return DeliveryReceipt(path=str(path))

    def describe(self) -> str:
        return f"Absolutely Class Airlines folder · {self.output_folder}"

    def redact(self, text: str) -> str:
        return text  # a folder has no secrets


def from_config(section: Mapping[str, object], environ: Mapping[str, str]) -> AbsolutelyClassAirlinesIntegration:
    """Validate the section and make sure the output folder can be written to, or made where it is missing."""
    warn_about_unknown_keys(section, {_OUTPUT_FOLDER_KEY}, CLIENT)
    integration = AbsolutelyClassAirlinesIntegration(Path(required_string(section, _OUTPUT_FOLDER_KEY)))
    _check_writable_folder(integration.output_folder)
    return integration


def _check_writable_folder(folder: Path) -> None:
    """Check the folder, or if it is missing the nearest folder above it, without making anything: reading the
    config (every command, the window) must not create the output folder, which appears at the first delivery."""
    existing = _nearest_existing(folder)
    problem = f"cannot write to {folder}" if existing == folder else f"cannot create {folder}"
    if not existing.is_dir():
        where = "" if existing == folder else f"{problem}: "
        raise IntegrationConfigError(_OUTPUT_FOLDER_KEY, f"{where}{existing} exists and is not a folder")
    # A real write rather than os.access: access() says yes to root and knows nothing of read-only mounts.
    try:
        with tempfile.TemporaryFile(dir=existing, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise IntegrationConfigError(_OUTPUT_FOLDER_KEY, f"{problem}: {_reason(exc)}") from exc


def _nearest_existing(folder: Path) -> Path:
    """The folder itself if it exists, else its nearest parent that does (a path with a NUL raises ValueError)."""
    for candidate in (folder, *folder.parents):
        try:
            candidate.stat()
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            raise IntegrationConfigError(_OUTPUT_FOLDER_KEY, f"cannot reach {candidate}: {_reason(exc)}") from exc
        return candidate
    raise IntegrationConfigError(_OUTPUT_FOLDER_KEY, f"cannot reach {folder}")


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).rstrip(".").lower()
