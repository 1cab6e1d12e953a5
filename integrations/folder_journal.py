"""Our bookkeeping for folder deliveries: one hidden folder at the output root, nothing in customers' folders.

    <output>/.arthur-desktop/
        deliveries/<key>.open   intent: the customer file this delivery will publish, and its staged file
        deliveries/<key>        the same record, renamed once that file is published
        staging/                staged transcripts and other temporary files; stale ones are swept
        next-number/<folder>    per customer folder, the next number to try (a hint, never trusted blindly)
        locks/<xx>              lock files, one per first two characters of a delivery key

Records are written to a staged file, fsynced, and renamed into place, so a reader sees a whole record or none.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import time
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from integrations import crash_points, file_locks
from integrations.numbered_files import (
    NUMBERED_FILE_NAME,
    fsync_folder,
    number_of,
    numbered_file_name,
    remove_if_present,
    write_new_file,
)

logger = logging.getLogger(__name__)

BOOKKEEPING_FOLDER = ".arthur-desktop"
STALE_AFTER_SECONDS = 3600.0  # a temporary file this old belongs to a delivery that died
LOCK_WAIT_SECONDS = 30.0
_OPEN_SUFFIX = ".open"
_STAGED_NAME = re.compile(r"transcript-([0-9a-f-]{36})-[0-9a-f]{32}\.tmp", re.ASCII)
_SANE_HINT = re.compile(r"[1-9][0-9]{0,17}", re.ASCII)


@dataclass(frozen=True)
class Record:
    folder: str | None  # customer folder name; None in a marker adopted from an older version (its own folder)
    number: int
    staged: str | None  # name of the staged file in staging/, while it may still be needed
    copied: bool = False  # published by renaming the staged file, where the file system has no hard links

    @property
    def file_name(self) -> str:
        return numbered_file_name(self.number)


class Journal:
    def __init__(self, output: Path) -> None:
        self.root = output / BOOKKEEPING_FOLDER
        self.deliveries = self.root / "deliveries"
        self.staging = self.root / "staging"
        self.hints = self.root / "next-number"
        self.locks = self.root / "locks"

    def create(self) -> None:
        for folder in (self.deliveries, self.staging, self.hints, self.locks):
            folder.mkdir(parents=True, exist_ok=True)

    def lock(self, key: str) -> AbstractContextManager[None]:
        """Only one delivery of a chat at a time, even when a lapsed queue claim lets a second one start."""
        return file_locks.held(
            self.locks / key[:2],
            wait_seconds=LOCK_WAIT_SECONDS,
            busy_message="another delivery of this chat is still running",
        )

    def delivered(self, key: str) -> Record | None:
        return self._read(self.deliveries / key)

    def intent(self, key: str) -> Record | None:
        return self._read(self.deliveries / f"{key}{_OPEN_SUFFIX}")

    def record_intent(self, key: str, record: Record) -> None:
        """Durably note what this delivery is about to publish, before it does."""
        text = json.dumps(
            {"folder": record.folder, "file": record.file_name, "staged": record.staged, "copied": record.copied}
        )
        temporary = self._temporary_path("record")
        write_new_file(temporary, text.encode("utf-8"))
        crash_points.reached("intent written")
        try:
            temporary.replace(self.deliveries / f"{key}{_OPEN_SUFFIX}")
        except BaseException:
            remove_if_present(temporary)
            raise
        fsync_folder(self.deliveries)
        crash_points.reached("intent recorded")

    def record_delivered(self, key: str) -> None:
        """The intent becomes the record of the delivery; a rename, so a full disk cannot stop it. Not fsynced:
        should a power cut undo it, the intent's file is already durable, and the retry recognises it."""
        (self.deliveries / f"{key}{_OPEN_SUFFIX}").replace(self.deliveries / key)
        crash_points.reached("delivery recorded")

    def adopt_marker(self, key: str, marker: Path) -> None:
        """Move an older version's `.delivered-<key>` marker out of a customer's folder, keeping what it says."""
        if (self.deliveries / key).exists():
            remove_if_present(marker)
            return
        with contextlib.suppress(FileNotFoundError):  # another delivery moved it a moment ago
            marker.rename(self.deliveries / key)

    def stage(self, key: str, content: bytes) -> Path:
        path = self.staging / f"transcript-{key}-{uuid.uuid4().hex}.tmp"
        write_new_file(path, content, halfway=lambda: crash_points.reached("staging half written"))
        crash_points.reached("staged")
        return path

    def sweep_staging(self) -> None:
        """Remove temporary files left by deliveries that died, unless an open intent still names them."""
        now = time.time()
        for entry in _entries(self.staging):
            try:
                if now - entry.stat(follow_symlinks=False).st_mtime < STALE_AFTER_SECONDS:
                    continue
                staged = _STAGED_NAME.fullmatch(entry.name)
                if staged is not None and self._still_needed(staged[1], entry.name):
                    continue
                logger.info("Removing stale temporary file %s", entry.path)
                remove_if_present(Path(entry.path))
            except OSError as exc:
                logger.warning("Could not look at %s: %s", entry.path, exc)

    def read_hint(self, folder: str) -> int | None:
        try:
            text = (self.hints / folder).read_text(encoding="ascii").strip()
        except (OSError, ValueError):
            return None
        return int(text) if _SANE_HINT.fullmatch(text) else None

    def write_hint(self, folder: str, next_number: int) -> None:
        """Best effort, and not fsynced: a missing or damaged hint only costs a folder scan."""
        temporary = self._temporary_path("next-number")
        try:
            write_new_file(temporary, str(next_number).encode("ascii"), durable=False)
            temporary.replace(self.hints / folder)
        except OSError as exc:
            logger.warning("Could not update the next number of %s: %s", folder, exc)
            remove_if_present(temporary)
        crash_points.reached("hint written")

    def _temporary_path(self, purpose: str) -> Path:
        return self.staging / f"{purpose}-{uuid.uuid4().hex}.tmp"

    def _still_needed(self, key: str, staged_name: str) -> bool:
        try:
            intent = self.intent(key)
        except OSError:
            return True
        return intent is not None and intent.staged == staged_name

    def _read(self, path: Path) -> Record | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        record = _parse(data)
        if record is None:
            logger.warning("Ignoring the unreadable delivery record %s", path)
        return record


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError as exc:
        logger.warning("Could not list %s: %s", folder, exc)
        return []


def _parse(data: bytes) -> Record | None:
    try:
        text = data.decode("utf-8")
        if NUMBERED_FILE_NAME.fullmatch(text.strip()):  # an older version's marker: just the file name
            return Record(folder=None, number=int(text.strip()[:-4]), staged=None)
        fields = json.loads(text)
    except ValueError:
        return None
    if not isinstance(fields, dict):
        return None
    folder, file, staged, copied = (fields.get(name) for name in ("folder", "file", "staged", "copied"))
    number = number_of(file) if isinstance(file, str) else None
    if not (isinstance(folder, str) and is_plain_folder_name(folder)) or number is None:
        return None
    if not (staged is None or (isinstance(staged, str) and _STAGED_NAME.fullmatch(staged))):
        return None
    if not isinstance(copied, bool):
        return None
    return Record(folder=folder, number=number, staged=staged, copied=copied)


def is_plain_folder_name(name: str) -> bool:
    """One visible path component: what customer_folder_name makes, and nothing that could leave the output."""
    return bool(name) and not name.startswith(".") and not any(character in name for character in "/\\\0")
