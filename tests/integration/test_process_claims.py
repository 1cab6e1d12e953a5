"""Who holds a claim: real processes, real lock files in real folders, a real full file system."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.process_claims import LEASE_ONLY, ClaimHolder, read_or_create_desktop_id

HOLDS_A_CLAIM = (
    "import sys\n"
    "from pathlib import Path\n"
    "from services.process_claims import ClaimHolder\n"
    "print(ClaimHolder(Path(sys.argv[1])).claim_id, flush=True)\n"
    "sys.stdin.read()\n"
)


class OtherProcess:
    """Another program of the same desktop that has made a claim and runs until told to stop."""

    def __init__(self, data_folder: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDS_A_CLAIM, str(data_folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.claim_id = self.process.stdout.readline().strip()

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.communicate(timeout=30)

    def exit(self) -> None:
        self.process.communicate("", timeout=30)


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[ClaimHolder]:
    claims = ClaimHolder(tmp_path / "data")
    yield claims
    claims.close()


def test_nothing_is_written_until_the_first_claim_then_the_desktop_id_is_kept(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    first = ClaimHolder(folder)
    assert not folder.exists()

    first_id = first.claim_id
    second = ClaimHolder(folder)
    second_id = second.claim_id
    first.close()
    second.close()

    desktop_id = (folder / "desktop-id").read_text().strip()
    assert first_id.split(":")[0] == second_id.split(":")[0] == desktop_id
    assert first_id != second_id
    assert list((folder / "claims").iterdir()) == []  # each removed its lock file as it closed


def test_a_running_process_of_this_desktop_keeps_its_claim(holder: ClaimHolder, tmp_path: Path) -> None:
    other = OtherProcess(tmp_path / "data")
    try:
        assert not holder.holder_is_gone(other.claim_id)
    finally:
        other.exit()


@pytest.mark.parametrize("ending", ["killed", "exited"])
def test_the_claim_of_a_process_of_this_desktop_that_ended_is_free_at_once(
    holder: ClaimHolder, tmp_path: Path, ending: str
) -> None:
    other = OtherProcess(tmp_path / "data")
    other.kill() if ending == "killed" else other.exit()

    assert holder.holder_is_gone(other.claim_id)


def test_a_killed_processs_lock_file_is_cleared_and_its_claim_stays_free(holder: ClaimHolder, tmp_path: Path) -> None:
    other = OtherProcess(tmp_path / "data")
    other.kill()
    token = other.claim_id.split(":")[1]
    assert (tmp_path / "data" / "claims" / f"{token}.lock").exists()

    assert holder.holder_is_gone(other.claim_id)
    assert not (tmp_path / "data" / "claims" / f"{token}.lock").exists()
    assert holder.holder_is_gone(other.claim_id)


def test_claims_of_another_desktop_or_of_this_process_are_never_taken_as_gone(
    holder: ClaimHolder, tmp_path: Path
) -> None:
    elsewhere = OtherProcess(tmp_path / "another-desktop")
    elsewhere.kill()

    assert not holder.holder_is_gone(elsewhere.claim_id)
    assert not holder.holder_is_gone(holder.claim_id)
    assert not holder.holder_is_gone(None)
    assert not holder.holder_is_gone("an older version's claim")
    assert not holder.holder_is_gone(f"{holder.claim_id.split(':')[0]}:../../etc/passwd")


def test_desktops_starting_at_the_same_moment_agree_on_one_desktop_id(tmp_path: Path) -> None:
    path = tmp_path / "data" / "desktop-id"
    create = "import sys; from pathlib import Path\nfrom services.process_claims import read_or_create_desktop_id\n"
    create += "print(read_or_create_desktop_id(Path(sys.argv[1])))\n"
    racers = [
        subprocess.Popen([sys.executable, "-c", create, str(path)], stdout=subprocess.PIPE, text=True) for _ in range(6)
    ]

    ids = {racer.communicate(timeout=30)[0].strip() for racer in racers}

    assert ids == {path.read_text().strip()}
    assert sorted(p.name for p in path.parent.iterdir()) == ["desktop-id"]


def test_a_damaged_desktop_id_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "desktop-id"
    path.write_bytes(b"\x00\x00")

    desktop_id = read_or_create_desktop_id(path)

    assert path.read_text().strip() == desktop_id and len(desktop_id) == 32


def test_without_a_usable_data_folder_claims_wait_for_the_lease(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    holder = ClaimHolder(tmp_path / "data")

    assert holder.claim_id.startswith(f"{LEASE_ONLY}:")
    assert not holder.holder_is_gone(f"{LEASE_ONLY}:{'0' * 32}")


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB file system, filled up."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount_point = tmp_path / "full"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)], check=True)
    try:
        filler = os.open(mount_point / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(filler, b"x" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(filler)
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def test_on_a_full_disk_claims_wait_for_the_lease_and_leave_no_half_written_file(full_disk: Path) -> None:
    holder = ClaimHolder(full_disk / "data")

    claim_id = holder.claim_id

    assert claim_id.startswith(f"{LEASE_ONLY}:")
    assert not (full_disk / "data" / "desktop-id").exists()
    assert [p.name for p in (full_disk / "data").iterdir()] == []
