"""File primitives for numbered transcripts: `<n>.txt` names, durable new files, publishing without replacing.

A numbered file is published by os.link from a complete, fsynced staged file, which fails instead of replacing
when the number is taken: a numbered file is never overwritten and never visible half-written. Where hard links
are unsupported (FAT, some network file systems) the caller renames the staged file instead, under a lock.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

NUMBERED_FILE_NAME = re.compile(r"[1-9][0-9]{0,17}\.txt", re.ASCII)
_LINK_UNSUPPORTED_ERRNOS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS})
_LINK_UNSUPPORTED_WINERRORS = frozenset({1, 50})  # ERROR_INVALID_FUNCTION, ERROR_NOT_SUPPORTED
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_NEW_FILE_MODE = 0o666  # narrowed by the umask, like any file the user creates


class LinksUnsupported(Exception):
    """This file system cannot hard-link; nothing was published."""


def numbered_file_name(number: int) -> str:
    return f"{number}.txt"


def number_of(name: str) -> int | None:
    return int(name[:-4]) if NUMBERED_FILE_NAME.fullmatch(name) else None


def write_new_file(
    path: Path, content: bytes, *, durable: bool = True, halfway: Callable[[], None] | None = None
) -> None:
    """Create path (never replacing anything) and write all of content; on failure leave nothing behind.

    halfway, if given, is called after the first half is written (a crash point for tests).
    """
    descriptor = os.open(path, _NEW_FILE_FLAGS, _NEW_FILE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as file:
            middle = len(content) // 2
            file.write(content[:middle])
            if halfway is not None:
                file.flush()
                halfway()
            file.write(content[middle:])
            if durable:
                file.flush()
                os.fsync(file.fileno())
    except BaseException:
        remove_if_present(path)
        raise


def link_without_replacing(staged: Path, target: Path) -> None:
    """Give the staged file a second name; FileExistsError when target exists, LinksUnsupported where
    the file system has no hard links. Any other OSError (permission, read-only, full) is the caller's."""
    try:
        os.link(staged, target)
    except FileExistsError:
        raise
    except OSError as exc:
        if _means_links_unsupported(exc):
            raise LinksUnsupported(str(exc)) from exc
        raise


def _means_links_unsupported(exc: OSError) -> bool:
    winerror = getattr(exc, "winerror", None)
    if winerror is not None:
        return winerror in _LINK_UNSUPPORTED_WINERRORS
    return exc.errno in _LINK_UNSUPPORTED_ERRNOS


def holds_exactly(path: Path, content: bytes) -> bool:
    """Whether path is a regular file whose bytes are content (sizes first, so most strangers cost one stat)."""
    try:
        if path.stat().st_size != len(content):
            return False
        return path.read_bytes() == content
    except OSError:
        return False


def same_file(first: Path, second: Path) -> bool:
    try:
        return first.samefile(second)
    except OSError:
        return False


def fsync_folder(folder: Path) -> None:
    """Make new directory entries durable (Windows cannot open folders; NTFS journals entries)."""
    if os.name == "nt":
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_if_present(path: Path) -> None:
    """Remove a file of ours; failing here must not hide a delivery that succeeded, or the error in flight."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        logger.warning("Could not remove temporary file %s: %s", path, exc)
