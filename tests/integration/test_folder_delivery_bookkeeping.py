"""Where a folder delivery keeps its bookkeeping: folders of older versions, stale temporary files, records it
cannot trust, file systems without hard links, and two deliveries of one chat at once."""

from __future__ import annotations

import errno
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from folder_testing import (
    all_names,
    bookkeeping,
    expected_bytes,
    label_in,
    staging_names,
    subprocess_environment,
    transcript_saying,
)

from integrations import folder_journal
from integrations.absolutely_class_airlines import AbsolutelyClassAirlinesIntegration, from_config
from integrations.base import DeliveryFailed
from integrations.file_locks import held
from integrations.transcript import delivery_key

TWO_HOURS_AGO = time.time() - 2 * 3600


@pytest.fixture
def integration(tmp_path: Path) -> AbsolutelyClassAirlinesIntegration:
    (tmp_path / "out").mkdir()  # as a first delivery leaves it: reading the config no longer makes the folder
    return from_config({"output_folder": str(tmp_path / "out")}, {})


def key_of(label: str) -> str:
    return delivery_key(transcript_saying(label))


def an_older_versions_folder(output: Path, labels: list[str]) -> Path:
    """What versions before the bookkeeping folder left: numbered files, a marker each, a hint, temporary files."""
    folder = output / "customer-a"
    folder.mkdir(parents=True)
    for number, label in enumerate(labels, start=1):
        (folder / f"{number}.txt").write_bytes(expected_bytes(label))
        (folder / f".delivered-{key_of(label)}").write_text(f"{number}.txt")
    (folder / ".next-number").write_text(str(len(labels) + 1))
    stale = [folder / f".transcript-{'a' * 32}.tmp", folder / f".delivered-{key_of('x')}.{'b' * 32}.tmp"]
    for path in stale:
        path.write_bytes(b"left by a kill mid-write")
        os.utime(path, (TWO_HOURS_AGO, TWO_HOURS_AGO))
    (folder / f".transcript-{'c' * 32}.tmp").write_bytes(b"perhaps an older version writing right now")
    return folder


def test_a_chat_an_older_version_delivered_is_not_written_again(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    folder = an_older_versions_folder(integration.output_folder, ["old one", "old two"])

    again = integration.deliver(transcript_saying("old two"))

    assert again.path == str(folder / "2.txt")
    assert ".delivered-" + key_of("old two") not in all_names(folder), "the marker moved into our bookkeeping"
    assert integration.deliver(transcript_saying("old two")).path == str(folder / "2.txt")
    assert sorted(label_in(folder / name) for name in ("1.txt", "2.txt")) == ["old one", "old two"]


def test_an_older_versions_folder_is_tidied_when_next_listed_keeping_what_its_markers_said(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    folder = an_older_versions_folder(integration.output_folder, ["old one", "old two", "old three"])

    new = integration.deliver(transcript_saying("new"))
    old = [integration.deliver(transcript_saying(label)).path for label in ("old one", "old two", "old three")]

    assert new.path == str(folder / "4.txt")
    assert old == [str(folder / f"{number}.txt") for number in (1, 2, 3)]
    assert all_names(folder) == [f".transcript-{'c' * 32}.tmp", "1.txt", "2.txt", "3.txt", "4.txt"]
    assert all_names(bookkeeping(integration.output_folder) / "deliveries") == sorted(
        key_of(label) for label in ("old one", "old two", "old three", "new")
    )


def test_a_marker_naming_a_file_that_is_gone_lets_the_chat_be_written_again(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    folder = an_older_versions_folder(integration.output_folder, ["old one", "old two"])
    (folder / "2.txt").unlink()

    again = integration.deliver(transcript_saying("old two"))

    assert again.path == str(folder / "2.txt")
    assert label_in(folder / "2.txt") == "old two"
    assert all_names(folder) == [f".transcript-{'c' * 32}.tmp", "1.txt", "2.txt"]
    assert integration.deliver(transcript_saying("old one")).path == str(folder / "1.txt")


def stage_by_hand(output: Path, label: str, *, aged: bool) -> Path:
    staging = bookkeeping(output) / "staging"
    staging.mkdir(parents=True, exist_ok=True)
    (bookkeeping(output) / "deliveries").mkdir(exist_ok=True)
    path = staging / f"transcript-{key_of(label)}-{os.urandom(16).hex()}.tmp"
    path.write_bytes(expected_bytes(label)[:40])  # cut short, as by a kill mid-write
    if aged:
        os.utime(path, (TWO_HOURS_AGO, TWO_HOURS_AGO))
    return path


def test_stale_temporary_files_are_removed_by_a_later_delivery_unless_an_open_intent_needs_them(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    output = integration.output_folder
    orphan = stage_by_hand(output, "died before its intent", aged=True)
    big = bookkeeping(output) / "staging" / f"record-{'d' * 32}.tmp"
    with big.open("wb") as file:
        file.truncate(80 * 1024 * 1024)  # like the 80 MB one seen in the field, without writing 80 MB
    os.utime(big, (TWO_HOURS_AGO, TWO_HOURS_AGO))
    young = stage_by_hand(output, "still being written", aged=False)
    needed = stage_by_hand(output, "waiting for its retry", aged=True)
    needed.write_bytes(expected_bytes("waiting for its retry"))
    os.utime(needed, (TWO_HOURS_AGO, TWO_HOURS_AGO))
    intent = {"folder": "customer-a", "file": "1.txt", "staged": needed.name, "copied": False}
    (bookkeeping(output) / "deliveries" / f"{key_of('waiting for its retry')}.open").write_text(json.dumps(intent))

    integration.deliver(transcript_saying("someone else"))
    left_after_sweep = staging_names(output)
    retried = integration.deliver(transcript_saying("waiting for its retry"))

    assert left_after_sweep == sorted([young.name, needed.name])
    assert not orphan.exists() and not big.exists()
    assert retried.path == str(output / "customer-a" / "2.txt")
    assert staging_names(output) == [young.name]


@pytest.mark.parametrize(
    "record",
    [
        b"",
        b"{not json",
        b"\xff\xfe",
        b"[1, 2]",
        json.dumps({"folder": "../escape", "file": "1.txt", "staged": None, "copied": False}).encode(),
        json.dumps({"folder": "customer-a", "file": "../../etc/passwd", "staged": None, "copied": False}).encode(),
        json.dumps({"folder": "customer-a", "file": "1.txt", "staged": "../x.tmp", "copied": False}).encode(),
        json.dumps({"folder": "customer-a", "file": "1.txt", "staged": None, "copied": "yes"}).encode(),
    ],
)
def test_a_record_that_cannot_be_trusted_is_ignored_and_never_leads_outside_the_output(
    integration: AbsolutelyClassAirlinesIntegration, record: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    output = integration.output_folder
    (output / "escape").mkdir()
    (output / "escape" / "1.txt").write_text("not a transcript of ours")
    (bookkeeping(output) / "deliveries").mkdir(parents=True)
    (bookkeeping(output) / "deliveries" / key_of("hello")).write_bytes(record)

    with caplog.at_level(logging.WARNING):
        receipt = integration.deliver(transcript_saying("hello"))

    assert receipt.path == str(output / "customer-a" / "1.txt")
    assert (output / "customer-a" / "1.txt").read_bytes() == expected_bytes("hello")
    assert "Ignoring the unreadable delivery record" in caplog.text


def no_link(source: object, target: object) -> None:
    raise OSError(errno.EPERM, "Operation not permitted")


def test_without_hard_links_transcripts_are_renamed_into_place_whole_and_numbered_from_one(
    integration: AbsolutelyClassAirlinesIntegration, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Fault injection: FAT, which has no hard links, cannot be mounted on this kernel; os.link fails as it does there.
    monkeypatch.setattr(os, "link", no_link)

    paths = [integration.deliver(transcript_saying(f"chat {index}")).path for index in range(3)]
    again = integration.deliver(transcript_saying("chat 1")).path

    folder = integration.output_folder / "customer-a"
    assert paths == [str(folder / f"{number}.txt") for number in (1, 2, 3)]
    assert again == paths[1]
    assert [label_in(folder / f"{number}.txt") for number in (1, 2, 3)] == ["chat 0", "chat 1", "chat 2"]
    assert staging_names(integration.output_folder) == []
    record = json.loads((bookkeeping(integration.output_folder) / "deliveries" / key_of("chat 0")).read_text())
    assert record["copied"] is True


def test_without_hard_links_a_taken_number_is_never_replaced(
    integration: AbsolutelyClassAirlinesIntegration, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "link", no_link)
    folder = integration.output_folder / "customer-a"
    folder.mkdir()
    (folder / "1.txt").write_text("written by hand")
    (folder / "2.txt").write_text("written by hand too")
    (bookkeeping(integration.output_folder) / "next-number").mkdir(parents=True)
    # Trusted, since 1.txt exists, yet 2 is taken: the rename must find that out instead of replacing 2.txt.
    (bookkeeping(integration.output_folder) / "next-number" / "customer-a").write_text("2")

    receipt = integration.deliver(transcript_saying("hello"))

    assert receipt.path == str(folder / "3.txt")
    assert [(folder / name).read_text() for name in ("1.txt", "2.txt")] == ["written by hand", "written by hand too"]
    assert label_in(folder / "3.txt") == "hello"


def test_a_delivery_of_a_chat_whose_other_delivery_holds_the_lock_gives_up_cleanly(
    integration: AbsolutelyClassAirlinesIntegration, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(folder_journal, "LOCK_WAIT_SECONDS", 0.2)
    journal = folder_journal.Journal(integration.output_folder)
    journal.create()

    with (
        held(journal.locks / key_of("hello")[:2], wait_seconds=0, busy_message="held by the test"),
        pytest.raises(DeliveryFailed, match="another delivery of this chat is still running"),
    ):
        integration.deliver(transcript_saying("hello"))

    assert (
        not (integration.output_folder / "customer-a").exists()
        or all_names(integration.output_folder / "customer-a") == []
    )
    assert integration.deliver(transcript_saying("hello")).path == str(
        integration.output_folder / "customer-a" / "1.txt"
    )


# Runs in its own interpreter: delivers "hello", pausing after staging (saying so with a file named after it)
# until the file "resume" appears.
PAUSING_DELIVERY = """
import sys, time
from pathlib import Path
from folder_testing import transcript_saying
from integrations import crash_points
from integrations.absolutely_class_airlines import AbsolutelyClassAirlinesIntegration

output, control, name = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

def hook(point):
    if point == "staged":
        (control / f"{name} paused").touch()
        while not (control / "resume").exists():
            time.sleep(0.01)

crash_points.install(hook)
print(AbsolutelyClassAirlinesIntegration(output).deliver(transcript_saying("hello")).path)
"""


def test_two_deliveries_of_one_chat_at_once_write_one_file(tmp_path: Path) -> None:
    """As when a lapsed queue claim lets a second desktop take over a delivery that is only slow."""
    output, control = tmp_path / "out", tmp_path / "control"
    control.mkdir()
    slow = subprocess.Popen(
        [sys.executable, "-c", PAUSING_DELIVERY, str(output), str(control), "slow"],
        env=subprocess_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(3000):
            if (control / "slow paused").exists() or slow.poll() is not None:
                break
            time.sleep(0.01)
        taking_over = subprocess.Popen(
            [sys.executable, "-c", PAUSING_DELIVERY, str(output), str(control), "taking over"],
            env=subprocess_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(0.5)  # time enough for the second delivery to stage, were it not waiting for the first
        waited = taking_over.poll() is None and not (control / "taking over paused").exists()
        (control / "resume").touch()
        outputs = [process.communicate(timeout=60) for process in (slow, taking_over)]
    finally:
        for process in (slow, taking_over):
            process.kill()
            process.wait()

    assert [process.returncode for process in (slow, taking_over)] == [0, 0], outputs
    assert waited, "the second delivery should wait for the first"
    assert [out.strip() for out, _ in outputs] == [str(output / "customer-a" / "1.txt")] * 2
    assert all_names(output / "customer-a") == ["1.txt"]
