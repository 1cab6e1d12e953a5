"""Exactly-once delivery of a transcript as the next numbered file of a customer's folder.

The steps, each of which a process may die after (the retry, with the same delivery key, takes over):
  1. stage   the content goes to a new file in our staging folder, fsynced;
  2. intend  a record names the number to publish and the staged file, fsynced, before anything is published;
  3. publish os.link gives the staged file its numbered name, failing instead of replacing when it is taken;
  4. record  the intent is renamed to the record of the delivery (a rename: a full disk cannot stop it);
  5. clean   the staged file is removed and the customer's next-number hint is updated.
A retry that finds an intent looks at the file it names: the same inode as the staged file (or, where a file
system has no hard links, the same bytes) is this delivery, published already; a missing file is published
now; a stranger's file sends it on to the next free number. One delivery of a chat runs at a time (a lock).
"""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

from integrations import crash_points, file_locks, legacy_markers
from integrations.folder_journal import LOCK_WAIT_SECONDS, Journal, Record
from integrations.numbered_files import (
    LinksUnsupported,
    fsync_folder,
    holds_exactly,
    link_without_replacing,
    number_of,
    numbered_file_name,
    remove_if_present,
    same_file,
)

logger = logging.getLogger(__name__)


def deliver_once(output: Path, folder_name: str, key: str, content: bytes) -> Path:
    """Publish content as the next `<n>.txt` of output/folder_name unless this key's delivery did already;
    returns the file's path. Raises OSError when it cannot, leaving a state that a retry completes."""
    journal = Journal(output)
    journal.create()
    with journal.lock(key):
        return _FolderDelivery(journal, output / folder_name, key, content).run()


class _FolderDelivery:
    def __init__(self, journal: Journal, folder: Path, key: str, content: bytes) -> None:
        self.journal = journal
        self.folder = folder
        self.key = key
        self.content = content
        self.recorded: Record | None = None  # the intent on disk, as far as this delivery knows

    def run(self) -> Path:
        earlier = self._earlier_delivery()
        if earlier is not None:
            return earlier
        self.folder.mkdir(exist_ok=True)
        self.journal.sweep_staging()
        intent = self.journal.intent(self.key)
        if intent is None or intent.folder is None:
            return self._publish(self.journal.stage(self.key, self.content), self._first_number_to_try(), None)
        target = self._path_of(intent)
        if self._is_ours(target, intent):
            return self._finish(intent)
        staged = self._reusable_staged(intent) or self.journal.stage(self.key, self.content)
        resumes_here = intent.folder == self.folder.name and not os.path.lexists(target)
        return self._publish(staged, intent.number if resumes_here else self._first_number_to_try(), intent)

    def _earlier_delivery(self) -> Path | None:
        # The customer's folder first: an older version's marker only ever moves from there into our records.
        legacy = legacy_markers.delivered_by_older_version(self.folder, self.key, self.journal)
        if legacy is not None:
            return legacy
        record = self.journal.delivered(self.key)
        if record is None:
            return None
        path = self._path_of(record)
        if path.is_file():
            return path
        logger.info("%s, written for delivery %s, is gone; writing the transcript again", path, self.key)
        return None

    def _publish(self, staged: Path, number: int, intent: Record | None) -> Path:
        self.recorded = intent
        try:
            published = self._publish_from(staged, number)
        except BaseException:
            if self.recorded is None or self.recorded.staged != staged.name:
                remove_if_present(staged)  # named by no intent: a full disk must not keep it for an hour
            raise
        fsync_folder(self.folder)
        crash_points.reached("published")
        return self._finish(published)

    def _publish_from(self, staged: Path, number: int) -> Record:
        copied = self.recorded.copied if self.recorded is not None else False
        while True:
            wanted = Record(folder=self.folder.name, number=number, staged=staged.name, copied=copied)
            if wanted != self.recorded:
                self.journal.record_intent(self.key, wanted)
                self.recorded = wanted
            target = self.folder / wanted.file_name
            try:
                self._move_into_place(staged, target, copied)
                return wanted
            except LinksUnsupported:
                logger.debug("No hard links in %s; renaming staged files there instead", self.folder)
                copied = True
            except FileExistsError:
                if self._is_ours(target, wanted):
                    return wanted
                number = max(number + 1, self._trusted_hint() or 0)

    def _move_into_place(self, staged: Path, target: Path, copied: bool) -> None:
        if not copied:
            link_without_replacing(staged, target)
            return
        # Without hard links, only a rename publishes a whole file at once; it replaces on POSIX, so every
        # writer of ours checks and renames under one lock per customer folder.
        busy = "another delivery into this customer folder is still running"
        lock = self.journal.locks / f"folder-{self.folder.name}"
        with file_locks.held(lock, wait_seconds=LOCK_WAIT_SECONDS, busy_message=busy):
            if os.path.lexists(target):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
            staged.rename(target)

    def _finish(self, intent: Record) -> Path:
        self.journal.record_delivered(self.key)
        if intent.staged is not None:
            remove_if_present(self.journal.staging / intent.staged)  # a leftover is swept once stale
            crash_points.reached("staging removed")
        folder = intent.folder or self.folder.name
        if (self._trusted_hint(folder) or 0) <= intent.number:  # a late retry must not send others back
            self.journal.write_hint(folder, intent.number + 1)
        else:
            crash_points.reached("hint written")
        return self._path_of(intent)

    def _is_ours(self, target: Path, intent: Record) -> bool:
        """Whether target is this delivery's file, published before a crash (or a moment ago)."""
        staged = self.journal.staging / intent.staged if intent.staged is not None else None
        if not intent.copied and staged is not None and staged.exists():
            return same_file(target, staged)
        return holds_exactly(target, self.content)

    def _reusable_staged(self, intent: Record) -> Path | None:
        if intent.staged is None:
            return None
        staged = self.journal.staging / intent.staged
        return staged if holds_exactly(staged, self.content) else None

    def _path_of(self, record: Record) -> Path:
        return self.folder.parent / (record.folder or self.folder.name) / record.file_name

    def _first_number_to_try(self) -> int:
        hint = self._trusted_hint()
        return hint if hint is not None else self._highest_number_tidying_up() + 1

    def _trusted_hint(self, folder: str | None = None) -> int | None:
        """The hint, if the file just below it exists: a stale or corrupt hint can cost a folder scan,
        never a gap or a collision loop from 1."""
        folder = folder or self.folder.name
        hint = self.journal.read_hint(folder)
        if hint is not None and hint >= 2 and (self.folder.parent / folder / numbered_file_name(hint - 1)).exists():
            return hint
        return None

    def _highest_number_tidying_up(self) -> int:
        highest = 0
        with os.scandir(self.folder) as entries:
            for entry in entries:
                number = number_of(entry.name)
                if number is not None:
                    highest = max(highest, number)
                elif entry.name.startswith("."):
                    legacy_markers.tidy(entry, self.journal)
        fsync_folder(self.journal.deliveries)  # adopted markers
        return highest
