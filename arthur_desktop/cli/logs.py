"""Where log records go: by default nowhere a person sees; to stderr when ARTHUR_LOG_LEVEL asks.

A failed delivery is one line on stderr, written by the command itself. The log records behind it (ours,
and the libraries': urllib3's retries, Python warnings) would add up to six more, so they are dropped unless
ARTHUR_LOG_LEVEL names a level (DEBUG, INFO, WARNING, ERROR); an unknown name counts as WARNING.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping

LOG_LEVEL_ENV = "ARTHUR_LOG_LEVEL"
_HANDLER_NAME = "arthur-desktop"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(environ: Mapping[str, str]) -> None:
    root = logging.getLogger()
    for previous in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(previous)
    logging.captureWarnings(True)  # warnings.warn() of libraries become log records, and follow the same rule
    requested = environ.get(LOG_LEVEL_ENV, "").strip().upper()
    handler: logging.Handler
    if requested:
        level = requested if requested in logging.getLevelNamesMapping() else "WARNING"
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_FORMAT))
        root.setLevel(level)
    else:
        handler = logging.NullHandler()  # a handler, so logging's last resort does not print warnings either
    handler.set_name(_HANDLER_NAME)
    root.addHandler(handler)
