"""Who holds a delivery's claim, and whether that holder has ended.

A claim is written as "<desktop id>:<process token>". The desktop id is a random id kept in the user's data
folder (made on the first claim): the programs of one user on one machine share it. Each claiming process
holds an exclusive lock (flock) on claims/<token>.lock in that folder for as long as it runs, and the
operating system drops the lock when the process ends, however it ends (SIGKILL included). A program of the
same desktop can so tell at once that a claim's holder is gone: its lock file is missing or can be locked.

A lock rather than a process id: ids are reused, and a sandboxed or containerised copy of the app that
shares the data folder does not see the other's processes; a lock file means the same everywhere. A claim of
another desktop, or one made where no lock could be held, is taken over only after the lease (services.deliveries).
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import threading
import time
import uuid
from contextlib import suppress
from pathlib import Path

from services.locations import user_data_folder

try:
    import fcntl
except ImportError:  # Windows: claims there rely on the lease alone
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

DESKTOP_ID_FILE = "desktop-id"
CLAIMS_FOLDER = "claims"
LEASE_ONLY = "lease-only"  # the desktop part of a claim made without a lock: never matches a desktop id
_HEX_ID = re.compile(r"[0-9a-f]{32}")
_ABANDONED_TEMP_SECONDS = 60


class ClaimHolder:
    """This process as the holder of delivery claims; set up on first use, safe to share between threads."""

    def __init__(self, data_folder: Path) -> None:
        self.data_folder = data_folder
        self._setup = threading.Lock()
        self._token = uuid.uuid4().hex
        self._desktop_id: str | None = None
        self._lock_fd: int | None = None
        self._ready = False

    @property
    def claim_id(self) -> str:
        """The value this process writes into a claim."""
        self._ensure_ready()
        return f"{self._desktop_id or LEASE_ONLY}:{self._token}"

    def holder_is_gone(self, claimed_by: str | None) -> bool:
        """True when claimed_by names another process of this desktop that has ended."""
        if claimed_by is None:
            return False
        desktop_id, _, token = claimed_by.partition(":")
        self._ensure_ready()
        if self._desktop_id is None or desktop_id != self._desktop_id or token == self._token:
            return False
        return _HEX_ID.fullmatch(token) is not None and _lock_is_free(self._claims_folder / f"{token}.lock")

    def close(self) -> None:
        """Drop this process's lock and its file: called at exit, after its claims are settled."""
        with self._setup:
            if self._lock_fd is not None:
                with suppress(OSError):
                    (self._claims_folder / f"{self._token}.lock").unlink()
                os.close(self._lock_fd)
                self._lock_fd = None
                self._desktop_id = None

    @property
    def _claims_folder(self) -> Path:
        return self.data_folder / CLAIMS_FOLDER

    def _ensure_ready(self) -> None:
        with self._setup:
            if self._ready:
                return
            self._ready = True
            if fcntl is None:
                return
            try:
                desktop_id = read_or_create_desktop_id(self.data_folder / DESKTOP_ID_FILE)
                self._claims_folder.mkdir(exist_ok=True)
                _clear_dead_locks(self._claims_folder)
                self._lock_fd = _hold_new_lock(self._claims_folder, self._token)
            except OSError as exc:
                log.info("Claims of this process wait for the lease: no lock in %s (%s)", self.data_folder, exc)
                return
            self._desktop_id = desktop_id
            atexit.register(self.close)


_holders: dict[Path, ClaimHolder] = {}
_holders_lock = threading.Lock()


def this_process() -> ClaimHolder:
    """The holder for the user's data folder (ARTHUR's default one, or as XDG_DATA_HOME moves it)."""
    folder = user_data_folder()
    with _holders_lock:
        if folder not in _holders:
            _holders[folder] = ClaimHolder(folder)
        return _holders[folder]


def read_or_create_desktop_id(path: Path) -> str:
    """The id in path, or a new one; of two processes creating it at once, both end with the same id."""
    for _ in range(3):
        existing = _read_id(path)
        if existing is not None and _HEX_ID.fullmatch(existing):
            return existing
        path.parent.mkdir(parents=True, exist_ok=True)
        new_id = uuid.uuid4().hex
        temporary = path.with_name(f".{path.name}.{new_id}")
        try:
            temporary.write_text(new_id + "\n", "ascii")
            if existing is None:
                path.hardlink_to(temporary)  # fails if another process made it meanwhile: read theirs
            else:
                temporary.replace(path)  # a damaged file: this desktop starts afresh
        except FileExistsError:
            continue
        finally:
            with suppress(OSError):
                temporary.unlink()
        return new_id
    raise OSError(f"cannot settle the desktop id in {path}")


def _read_id(path: Path) -> str | None:
    try:
        return path.read_text("ascii", errors="replace").strip()
    except FileNotFoundError:
        return None


def _hold_new_lock(folder: Path, token: str) -> int:
    """Lock a new file, then give it its name: no other process ever sees it unlocked under that name."""
    temporary = folder / f".{token}.tmp"
    fd = os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        temporary.rename(folder / f"{token}.lock")
    except OSError:
        os.close(fd)
        with suppress(OSError):
            temporary.unlink()
        raise
    return fd


def _lock_is_free(path: Path) -> bool:
    """True when no running process holds path's lock; a free lock file is removed."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return True  # removed at its holder's exit, or by the process that found it free
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # held: the process is running
    else:
        with suppress(OSError):
            path.unlink()
        return True
    finally:
        os.close(fd)


def _clear_dead_locks(folder: Path) -> None:
    """Remove the lock files of processes that were killed, so that they do not pile up."""
    for path in folder.glob("*.lock"):
        _lock_is_free(path)
    for path in folder.glob(".*.tmp"):
        with suppress(OSError):
            if time.time() - path.stat().st_mtime > _ABANDONED_TEMP_SECONDS:
                path.unlink()
