"""What the window says when work fails (the service's own sentence, or a short note for a bug), after ending chats
and after a retry."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from services.end_chats import EndChatOutcome
from services.errors import ArthurError
from services.locations import log_file_path
from services.results import DeliveryRecord, DeliveryStatus, EndChatResult

log = logging.getLogger(__name__)


def error_message(error: object) -> str:
    """One sentence for a person; unexpected errors are logged with their traceback as well."""
    if isinstance(error, ArthurError):
        return str(error)
    if isinstance(error, BaseException):
        log.error("Unexpected error", exc_info=error)
        return f"Unexpected error ({type(error).__name__}): {error}. Details are in the log, {log_file_path()}."
    return str(error)


def retry_outcome(records: Sequence[DeliveryRecord]) -> str | None:
    """The status bar's line after Retry: where each transcript stands now, not where it stood before; None when
    nothing was waiting (start-up's Retry all, most days)."""
    if len(records) == 1:
        record = records[0]
        transcript = f"The transcript of chat {record.chat_id}"
        if record.status is DeliveryStatus.DELIVERED:
            where = record.path or (f"HTTP {record.http_status}" if record.http_status else "the client")
            return f"{transcript} was delivered ({where})."
        if record.status is DeliveryStatus.NEEDS_ATTENTION:
            return f"{transcript} was refused again and needs attention."
        return f"{transcript} is still queued for a retry."
    if not records:
        return None
    delivered = sum(1 for r in records if r.status is DeliveryStatus.DELIVERED)
    refused = sum(1 for r in records if r.status is DeliveryStatus.NEEDS_ATTENTION)
    queued = len(records) - delivered - refused
    parts = [f"{delivered} delivered", *([f"{queued} still queued"] if queued else [])]
    parts += [f"{refused} refused, needing attention"] if refused else []
    return f"Retried {len(records)} transcripts: " + ", ".join(parts) + "."


def end_outcome(result: EndChatResult) -> str:
    """The status bar's line once a chat has ended: where its transcript went, or that it waits."""
    where = result.path or (f"HTTP {result.http_status}" if result.http_status else "the client")
    if result.status == "delivered":
        return f"Chat {result.chat_id} ended; transcript delivered to {where}."
    if result.status == "needs-attention":
        return f"Chat {result.chat_id} ended; its transcript was refused and needs attention."
    return f"Chat {result.chat_id} ended; its transcript is queued for a retry."


def several_ended(outcomes: Sequence[EndChatOutcome]) -> str:
    ended = sum(outcome.result is not None for outcome in outcomes)
    return f"{ended} of {len(outcomes)} chats ended; each chat's outcome is under the transcript."
