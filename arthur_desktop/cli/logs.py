"""Where log records go: to the log file, and to stderr only when ARTHUR_LOG_LEVEL asks.

A failed delivery is one line on stderr, written by the command itself. The log records behind it (ours,
and the libraries': urllib3's retries, Python warnings) would add up to six more, so they go to the rotating
log file in the user's log folder (INFO and above) and reach stderr only when ARTHUR_LOG_LEVEL names a level
(DEBUG, INFO, WARNING, ERROR; an unknown name counts as WARNING), which also sets the file's level.

The file and its folder are made at the first record, so a command or a window that logs nothing leaves nothing
behind; a log that cannot be written is given up silently rather than printing Python's "Logging error" report.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path

from services.locations import log_file_path

LOG_LEVEL_ENV = "ARTHUR_LOG_LEVEL"
_HANDLER_NAME = "arthur-desktop"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FILE_LEVEL = logging.INFO
LOG_FILE_BYTES = 1_000_000
LOG_FILE_BACKUPS = 4


class LazyLogFile(RotatingFileHandler):
    """A rotating log file whose folder and file appear with the first record, and that gives up quietly."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, maxBytes=LOG_FILE_BYTES, backupCount=LOG_FILE_BACKUPS, encoding="utf-8", delay=True)
        self._broken = False

    def _open(self) -> TextIOWrapper:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def emit(self, record: logging.LogRecord) -> None:
        if not self._broken:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        self._broken = True  # a full disk or an unwritable home: no log rather than a report on stderr


def configure_logging(environ: Mapping[str, str]) -> None:
    root = logging.getLogger()
    for previous in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(previous)
        previous.close()
    logging.captureWarnings(True)  # warnings.warn() of libraries become log records, and follow the same rule
    requested = environ.get(LOG_LEVEL_ENV, "").strip().upper()
    level = (requested if requested in logging.getLevelNamesMapping() else "WARNING") if requested else None
    handlers: list[logging.Handler] = [LazyLogFile(log_file_path())]
    handlers[0].setLevel(level or FILE_LEVEL)
    if level is not None:
        handlers.append(logging.StreamHandler(sys.stderr))
        handlers[1].setLevel(level)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.set_name(_HANDLER_NAME)
        root.addHandler(handler)
    root.setLevel(min(logging.getLevelName(level) if level else FILE_LEVEL, FILE_LEVEL))
