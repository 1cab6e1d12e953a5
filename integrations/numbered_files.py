"""Write a file as the next free `<n>.txt` in a folder, safely across threads, processes and machines.

The content is written and fsynced to a hidden temporary file first, then published under its number
with os.link, which fails instead of replacing when the number is taken. So a numbered file is never
overwritten and never visible half-written. A hint file remembers the next number, so a folder of many files
is not listed on every write; the hint is only trusted when the file just below it exists, so a stale or
corrupt hint can cost a folder scan but can never cause a gap or an overwrite.

Where hard links are unsupported (some FAT and network file systems) the number is claimed by creating the
final file with O_EXCL (or, on Windows, by os.rename, which refuses to replace there). That is still
non-replacing, but with O_EXCL a reader may briefly see the final file before all its content is written.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import uuid
from pathlib import Path

logger = logging.getLogger(__name__)

HINT_FILE_NAME = ".next-number"
TEMPORARY_FILE_PREFIX = "."
_NUMBERED_FILE_NAME = re.compile(r"[1-9][0-9]*\.txt", re.ASCII)
_SANE_HINT = re.compile(r"[1-9][0-9]{0,17}", re.ASCII)
_LINK_UNSUPPORTED_ERRNOS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS})
_LINK_UNSUPPORTED_WINERRORS = frozenset({1, 50})  # ERROR_INVALID_FUNCTION, ERROR_NOT_SUPPORTED
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_NEW_FILE_MODE = 0o666  # narrowed by the umask, like any file the user creates


def write_next_numbered_file(folder: Path, content: bytes) -> Path:
    """Create folder if needed and store content as its next `<n>.txt` (n counts from 1); returns the path."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary = _write_temporary_file(folder, content)
    try:
        number = _publish_under_next_number(folder, temporary, content)
    finally:
        _remove_if_present(temporary)
    _fsync_folder(folder)
    _write_hint(folder, number + 1)
    return folder / _numbered_file_name(number)


def _numbered_file_name(number: int) -> str:
    return f"{number}.txt"


def _hidden_temporary_path(folder: Path, purpose: str) -> Path:
    return folder / f"{TEMPORARY_FILE_PREFIX}{purpose}-{uuid.uuid4().hex}.tmp"


def _write_temporary_file(folder: Path, content: bytes) -> Path:
    path = _hidden_temporary_path(folder, "transcript")
    _write_new_file(path, content)
    return path


def _write_new_file(path: Path, content: bytes, *, durable: bool = True) -> None:
    """Create path (never replacing anything) and write all of content; on failure leave nothing behind."""
    descriptor = os.open(path, _NEW_FILE_FLAGS, _NEW_FILE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            if durable:
                file.flush()
                os.fsync(file.fileno())
    except BaseException:
        _remove_if_present(path)
        raise


def _publish_under_next_number(folder: Path, temporary: Path, content: bytes) -> int:
    number = _first_number_to_try(folder)
    while True:
        try:
            _claim_without_replacing(temporary, folder / _numbered_file_name(number), content)
        except FileExistsError:
            number += 1
        else:
            return number


def _claim_without_replacing(temporary: Path, final: Path, content: bytes) -> None:
    """Make final hold content, or raise FileExistsError when final already exists."""
    try:
        os.link(temporary, final)
    except FileExistsError:
        raise
    except OSError as exc:
        if not _means_links_unsupported(exc):
            raise
        logger.debug("Hard links unsupported in %s; claiming %s without them", final.parent, final.name)
        _claim_without_link(temporary, final, content)


def _claim_without_link(temporary: Path, final: Path, content: bytes) -> None:
    if os.name == "nt":
        os.rename(temporary, final)  # noqa: PTH104 - on Windows os.rename refuses to replace an existing file
    else:
        _write_new_file(final, content)


def _means_links_unsupported(exc: OSError) -> bool:
    winerror = getattr(exc, "winerror", None)
    if winerror is not None:
        return winerror in _LINK_UNSUPPORTED_WINERRORS
    return exc.errno in _LINK_UNSUPPORTED_ERRNOS


def _first_number_to_try(folder: Path) -> int:
    hint = _read_hint(folder)
    if hint is not None and hint >= 2 and (folder / _numbered_file_name(hint - 1)).exists():
        return hint
    return _highest_number_in(folder) + 1


def _read_hint(folder: Path) -> int | None:
    try:
        text = (folder / HINT_FILE_NAME).read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    return int(text) if _SANE_HINT.fullmatch(text) else None


def _highest_number_in(folder: Path) -> int:
    with os.scandir(folder) as entries:
        numbers = [int(entry.name[:-4]) for entry in entries if _NUMBERED_FILE_NAME.fullmatch(entry.name)]
    return max(numbers, default=0)


def _write_hint(folder: Path, next_number: int) -> None:
    """Best effort, and not fsynced: a missing or damaged hint only costs a folder scan."""
    temporary = _hidden_temporary_path(folder, "next-number")
    try:
        _write_new_file(temporary, str(next_number).encode("ascii"), durable=False)
        temporary.replace(folder / HINT_FILE_NAME)
    except OSError as exc:
        logger.warning("Could not update %s in %s: %s", HINT_FILE_NAME, folder, exc)
        _remove_if_present(temporary)


def _fsync_folder(folder: Path) -> None:
    """Make the new directory entry durable too (Windows cannot open folders; NTFS journals entries)."""
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


def _remove_if_present(path: Path) -> None:
    """Remove a file of ours; failing here must not hide a delivery that succeeded, or the error in flight."""
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        logger.warning("Could not remove temporary file %s: %s", path, exc)
