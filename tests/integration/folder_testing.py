"""Helpers for the folder-delivery tests: transcripts with known bytes, what a customer sees, small real disks."""

from __future__ import annotations

import contextlib
import os
import subprocess
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import integrations
from integrations.folder_journal import BOOKKEEPING_FOLDER
from integrations.transcript import Transcript, TranscriptLine, build_transcript

HANDLE_START = datetime(2020, 9, 29, 9, 0, 20, 540957)
REPOSITORY_ROOT = Path(integrations.__file__).resolve().parents[1]
# So that subprocesses find both the application and this module.
SUBPROCESS_PYTHONPATH = os.pathsep.join([str(REPOSITORY_ROOT), str(Path(__file__).parent)])
PAGE = 4096


def transcript_saying(label: str, customer_name: str = "Customer A") -> Transcript:
    """A transcript of its own chat (the id derives from the label), saying label."""
    line = TranscriptLine(HANDLE_START, False, label)
    chat_id = zlib.crc32(f"{customer_name}:{label}".encode())
    return build_transcript(chat_id, customer_name, HANDLE_START, HANDLE_START + timedelta(seconds=61), [line])


def expected_bytes(label: str) -> bytes:
    return (f"Chat on 29 Sep 2020 09:00:\n\n[09:00, Customer]: {label}\nThis chat took 61 seconds to handle.").encode()


def label_in(path: Path) -> str:
    message_line = path.read_text(encoding="utf-8").splitlines()[2]
    return message_line.removeprefix("[09:00, Customer]: ")


def all_names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def bookkeeping(output: Path) -> Path:
    return output / BOOKKEEPING_FOLDER


def staging_names(output: Path) -> list[str]:
    staging = bookkeeping(output) / "staging"
    return all_names(staging) if staging.exists() else []


def subprocess_environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": SUBPROCESS_PYTHONPATH}


@contextlib.contextmanager
def mounted_tmpfs(mount_point: Path, options: str) -> Iterator[Path]:
    """A real tmpfs at mount_point (created), unmounted afterwards; skips the test where mounting is impossible."""
    mount_point.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount_point)], capture_output=True, text=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)


def remount(mount_point: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mount_point)], check=True, capture_output=True)


def fill_leaving(disk: Path, free_pages: int) -> Path:
    """Fill the file system of disk to the last page, then give back free_pages pages; returns the filler."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as file:
        with contextlib.suppress(OSError):
            while file.write(b"\0" * PAGE):
                pass
        size = os.fstat(file.fileno()).st_size
        file.truncate(max(0, size // PAGE * PAGE - free_pages * PAGE))
    return filler
