"""Folder deliveries on real small disks (tmpfs), read-only mounts and folders an unprivileged user cannot write:
each fails cleanly, and once the fault is gone the retry writes exactly one file."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from folder_testing import (
    all_names,
    bookkeeping,
    expected_bytes,
    fill_leaving,
    mounted_tmpfs,
    remount,
    staging_names,
    subprocess_environment,
    transcript_saying,
)

from arthur_desktop.cli.main import main
from integrations.absolutely_class_airlines import AbsolutelyClassAirlinesIntegration, from_config
from integrations.base import DeliveryFailed, IntegrationConfigError
from integrations.transcript import delivery_key

LONG_LABEL = "x" * 9000  # a transcript of three pages: staged, it fills three, and its intent needs a fourth
NOBODY = 65534

# Runs in its own interpreter: imports everything as root, gives up root for the unprivileged user nobody,
# then checks the configuration and delivers. Prints one line per outcome.
UNPRIVILEGED_DELIVERY = """
import os, sys
from pathlib import Path
from folder_testing import transcript_saying
from integrations.absolutely_class_airlines import AbsolutelyClassAirlinesIntegration, from_config
from integrations.base import DeliveryFailed, IntegrationConfigError

output, label = Path(sys.argv[1]), sys.argv[2]
transcript = transcript_saying(label)
os.setgroups([])
os.setgid(65534)
os.setuid(65534)
try:
    from_config({"output_folder": str(output)}, {})
except IntegrationConfigError as error:
    print("refused:", error)
try:
    print("delivered:", AbsolutelyClassAirlinesIntegration(output).deliver(transcript).path)
except DeliveryFailed as failure:
    print("failed:", failure)
"""


def deliver_or_fail(integration: AbsolutelyClassAirlinesIntegration, label: str) -> str | None:
    """The receipt's path, or None after asserting that the failure was the full disk's."""
    try:
        return integration.deliver(transcript_saying(label)).path
    except DeliveryFailed as failure:
        assert "no space left on device" in str(failure)
        return None


@pytest.mark.parametrize("free_pages", range(6))
def test_a_disk_full_at_any_write_fails_cleanly_and_the_retry_writes_exactly_one_file(
    tmp_path: Path, free_pages: int
) -> None:
    with mounted_tmpfs(tmp_path / "disk", "size=64k") as disk:
        integration = from_config({"output_folder": str(disk / "out")}, {})
        filler = fill_leaving(disk, free_pages)

        first = deliver_or_fail(integration, LONG_LABEL)
        names_while_full = all_names(disk / "out" / "customer-a")
        staged_while_full = staging_names(disk / "out")
        filler.unlink()
        retried = integration.deliver(transcript_saying(LONG_LABEL))
        folder = disk / "out" / "customer-a"

        assert (first is None) == (free_pages < 4), "the staged file and the intent need four pages"
        assert names_while_full == ([] if first is None else ["1.txt"])
        assert staged_while_full == []
        assert retried.path == str(folder / "1.txt") and first in (None, retried.path)
        assert all_names(folder) == ["1.txt"]
        assert (folder / "1.txt").read_bytes() == expected_bytes(LONG_LABEL)
        assert staging_names(disk / "out") == []


@pytest.mark.parametrize("inodes", range(2, 15))
def test_running_out_of_inodes_at_any_step_fails_cleanly_and_the_retry_writes_exactly_one_file(
    tmp_path: Path, inodes: int
) -> None:
    with mounted_tmpfs(tmp_path / "disk", f"size=1m,nr_inodes={inodes}") as disk:
        integration = AbsolutelyClassAirlinesIntegration(disk / "out")

        first = deliver_or_fail(integration, "hello")
        visible_while_short = [p.name for p in disk.rglob("*.txt") if not p.name.startswith(".")]
        remount(disk, "nr_inodes=1000")
        retried = integration.deliver(transcript_saying("hello"))
        folder = disk / "out" / "customer-a"

        # The root, out, five bookkeeping folders, a lock file, customer-a, the staged file, its intent, and the
        # published name: tmpfs counts hard links against nr_inodes, so with 11 the os.link itself fails.
        assert (first is None) == (inodes < 12)
        assert visible_while_short == ([] if first is None else ["1.txt"])
        assert retried.path == str(folder / "1.txt")
        assert all_names(folder) == ["1.txt"]
        assert (folder / "1.txt").read_bytes() == expected_bytes("hello")
        assert staging_names(disk / "out") == []


def test_a_link_that_finds_no_free_inode_keeps_its_intent_and_the_retry_publishes_it_once(tmp_path: Path) -> None:
    # A real ENOSPC from os.link itself: with 11 inodes everything before the link fits, the link does not.
    with mounted_tmpfs(tmp_path / "disk", "size=1m,nr_inodes=11") as disk:
        integration = AbsolutelyClassAirlinesIntegration(disk / "out")
        key = delivery_key(transcript_saying("hello"))

        with pytest.raises(DeliveryFailed, match="no space left on device"):
            integration.deliver(transcript_saying("hello"))
        intent = json.loads((bookkeeping(disk / "out") / "deliveries" / f"{key}.open").read_text())
        staged_while_short = staging_names(disk / "out")
        remount(disk, "nr_inodes=1000")
        retried = integration.deliver(transcript_saying("hello"))

        assert staged_while_short == [intent["staged"]] and intent["file"] == "1.txt"
        assert retried.path == str(disk / "out" / "customer-a" / "1.txt")
        assert all_names(disk / "out" / "customer-a") == ["1.txt"]
        assert all_names(bookkeeping(disk / "out") / "deliveries") == [key]


def test_a_read_only_output_folder_is_refused_and_the_retry_after_remounting_writes_one_file(tmp_path: Path) -> None:
    with mounted_tmpfs(tmp_path / "disk", "size=1m") as disk:
        integration = from_config({"output_folder": str(disk / "out")}, {})
        integration.deliver(transcript_saying("before"))
        remount(disk, "ro")

        with pytest.raises(DeliveryFailed, match="read-only file system") as failure:
            integration.deliver(transcript_saying("while read-only"))
        with pytest.raises(IntegrationConfigError, match="read-only file system"):
            from_config({"output_folder": str(disk / "out")}, {})
        remount(disk, "rw")
        retried = integration.deliver(transcript_saying("while read-only"))

        assert str(failure.value).startswith("Could not save the transcript of chat ")
        assert retried.path == str(disk / "out" / "customer-a" / "2.txt")
        assert all_names(disk / "out" / "customer-a") == ["1.txt", "2.txt"]


@pytest.fixture
def traversable_folder() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's tmp_path is private to root)."""
    if os.geteuid() != 0:
        pytest.skip("needs root, to give up root for the user nobody")
    folder = Path(tempfile.mkdtemp(prefix="arthur-unprivileged-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def deliver_as_nobody(output: Path, label: str) -> list[str]:
    run = subprocess.run(
        [sys.executable, "-c", UNPRIVILEGED_DELIVERY, str(output), label],
        env=subprocess_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


def test_an_output_folder_the_user_cannot_write_is_refused_and_nothing_is_written(traversable_folder: Path) -> None:
    output = traversable_folder / "out"
    output.mkdir(mode=0o755)

    outcome = deliver_as_nobody(output, "hello")

    assert outcome[0] == f"refused: output_folder: cannot write to {output}: permission denied"
    assert outcome[1].startswith("failed: Could not save the transcript of chat ")
    assert outcome[1].endswith(": permission denied.")
    assert all_names(output) == []


def test_a_link_refused_by_permissions_is_no_reason_to_copy_and_the_retry_writes_one_file(
    traversable_folder: Path,
) -> None:
    output = traversable_folder / "out"
    (output / "customer-a").mkdir(parents=True, mode=0o755)  # root's: nobody may not add names to it
    os.chown(output, NOBODY, NOBODY)

    refused = deliver_as_nobody(output, "hello")
    key = delivery_key(transcript_saying("hello"))
    intent = json.loads((bookkeeping(output) / "deliveries" / f"{key}.open").read_text())
    staged_after_refusal = staging_names(output)
    (output / "customer-a").chmod(0o777)
    retried = deliver_as_nobody(output, "hello")

    assert refused[-1].endswith(": permission denied.")
    assert (intent["file"], intent["copied"], staged_after_refusal) == ("1.txt", False, [intent["staged"]])
    assert retried[-1] == f"delivered: {output / 'customer-a' / '1.txt'}"
    assert all_names(output / "customer-a") == ["1.txt"]
    assert (output / "customer-a" / "1.txt").read_bytes() == expected_bytes("hello")
    assert staging_names(output) == []


def test_a_link_failing_with_an_io_error_fails_the_delivery_without_copying(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fault injection: a disk that fails os.link with EIO cannot be made on demand.
    integration = from_config({"output_folder": str(tmp_path / "out")}, {})

    def failing_link(source: object, target: object) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    with monkeypatch.context() as patch:
        patch.setattr(os, "link", failing_link)
        with pytest.raises(DeliveryFailed, match="input/output error"):
            integration.deliver(transcript_saying("hello"))
    names_after_failure = all_names(tmp_path / "out" / "customer-a")
    retried = integration.deliver(transcript_saying("hello"))

    assert names_after_failure == []
    assert retried.path == str(tmp_path / "out" / "customer-a" / "1.txt")
    assert all_names(tmp_path / "out" / "customer-a") == ["1.txt"]


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize("free_pages", range(4))
def test_end_chat_on_a_full_disk_and_the_retry_after_enlarging_it_leave_exactly_one_file(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path, free_pages: int
) -> None:
    with mounted_tmpfs(tmp_path / "disk", "size=64k") as disk:
        config = tmp_path / "folder.toml"
        config.write_text(
            f'client = "absolutely_class_airlines"\n[absolutely_class_airlines]\noutput_folder = "{disk}/out"\n'
        )
        cli = ("--database-url", sqlite_url, "--config", str(config))
        fill_leaving(disk, free_pages)

        ended, said = run_cli(capsys, *cli, "end-chat", "2")
        files_while_full = all_names(disk / "out" / "jane") if (disk / "out" / "jane").exists() else []
        remount(disk, "size=1m")
        retried, _ = run_cli(capsys, *cli, "deliveries", "--retry")

        assert (ended, "queued" in said) == ((1, True) if free_pages < 2 else (0, False)), said
        assert files_while_full == ([] if ended else ["1.txt"])
        assert retried == 0
        assert all_names(disk / "out" / "jane") == ["1.txt"]
