"""What the window says when work fails: the service's own sentence, or a short note for a bug."""

from __future__ import annotations

import logging

from services.errors import ArthurError
from services.locations import log_file_path

log = logging.getLogger(__name__)


def error_message(error: object) -> str:
    """One sentence for a person; unexpected errors are logged with their traceback as well."""
    if isinstance(error, ArthurError):
        return str(error)
    if isinstance(error, BaseException):
        log.error("Unexpected error", exc_info=error)
        return f"Unexpected error ({type(error).__name__}): {error}. Details are in the log, {log_file_path()}."
    return str(error)
