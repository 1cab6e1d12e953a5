"""Customer folders written by older versions, which kept their bookkeeping there: `.next-number` and one
`.delivered-<key>` marker per transcript, beside hidden temporary files of deliveries that died.

A marker is still honoured (its chat is never written twice), and moved into our bookkeeping folder when it is
seen; the rest is removed when the folder is next listed. Temporary files are only removed once stale, in case
an older version is still writing beside us.
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

from integrations.folder_journal import STALE_AFTER_SECONDS, Journal
from integrations.numbered_files import NUMBERED_FILE_NAME, remove_if_present

logger = logging.getLogger(__name__)

MARKER_PREFIX = ".delivered-"
HINT_FILE_NAME = ".next-number"
_MARKER = re.compile(r"\.delivered-([0-9a-f-]{36})", re.ASCII)
_TEMPORARY = re.compile(
    r"\.(?:transcript|next-number)-[0-9a-f]{32}\.tmp|\.delivered-[0-9a-f-]{36}\.[0-9a-f]{32}\.tmp", re.ASCII
)


def delivered_by_older_version(folder: Path, key: str, journal: Journal) -> Path | None:
    """The file an older version wrote for this delivery, if its marker is here and the file still exists."""
    marker = folder / f"{MARKER_PREFIX}{key}"
    try:
        name = marker.read_bytes().decode("utf-8", errors="replace").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None  # no marker, or moved into our records a moment ago: the caller looks there next
    if NUMBERED_FILE_NAME.fullmatch(name) and (folder / name).is_file():
        journal.adopt_marker(key, marker)
        return folder / name
    logger.info("Dropping %s: the file it names is gone, so the transcript is written again", marker)
    remove_if_present(marker)
    return None


def tidy(entry: os.DirEntry[str], journal: Journal) -> None:
    """Called for each entry of a customer folder being listed; leaves anything not ours alone."""
    name = entry.name
    try:
        if not entry.is_file(follow_symlinks=False):
            return
        if name == HINT_FILE_NAME:
            remove_if_present(Path(entry.path))
        elif marker := _MARKER.fullmatch(name):
            journal.adopt_marker(marker[1], Path(entry.path))
        elif _TEMPORARY.fullmatch(name) and _is_stale(entry):
            logger.info("Removing stale temporary file %s", entry.path)
            remove_if_present(Path(entry.path))
    except OSError as exc:
        logger.warning("Could not tidy %s: %s", entry.path, exc)


def _is_stale(entry: os.DirEntry[str]) -> bool:
    return time.time() - entry.stat(follow_symlinks=False).st_mtime >= STALE_AFTER_SECONDS
