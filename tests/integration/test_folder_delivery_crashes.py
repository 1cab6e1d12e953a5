"""A folder delivery killed by a real SIGKILL after each of its steps, then retried: exactly one file every time."""

from __future__ import annotations

import dataclasses
import errno
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
    staging_names,
    subprocess_environment,
    transcript_saying,
)

from integrations import crash_points
from integrations.absolutely_class_airlines import AbsolutelyClassAirlinesIntegration
from integrations.transcript import delivery_key

LABEL = "Please move my flight to Friday."
TAKEN_LABEL = "a file someone else wrote"
# A delivery whose intended number turns out to be taken records a second intent before publishing.
STEPS_WHEN_THE_HINTED_NUMBER_IS_TAKEN = (
    *crash_points.POINTS[:4],
    "intent written",
    "intent recorded",
    *crash_points.POINTS[4:],
)

# Runs in its own interpreter: delivers LABEL, killing itself with SIGKILL at the crash_at-th crash point
# (0: never). Prints the points it passed and the receipt's path when it lives to the end. With "no-links",
# os.link fails as on FAT (EPERM), which this kernel cannot mount: fault injection.
DELIVERY_PROCESS = """
import errno, os, signal, sys
from pathlib import Path
from folder_testing import transcript_saying
from integrations import crash_points
from integrations.absolutely_class_airlines import AbsolutelyClassAirlinesIntegration

output, label, crash_at, links = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
passed = []

def no_link(source, target):
    raise OSError(errno.EPERM, "Operation not permitted")

if links == "no-links":
    os.link = no_link

def hook(point):
    passed.append(point)
    if len(passed) == crash_at:
        os.kill(os.getpid(), signal.SIGKILL)

crash_points.install(hook)
receipt = AbsolutelyClassAirlinesIntegration(output).deliver(transcript_saying(label))
print("|".join(passed))
print(receipt.path)
"""


def deliver_in_a_process(
    output: Path, crash_at: int, label: str = LABEL, links: str = "links"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", DELIVERY_PROCESS, str(output), label, str(crash_at), links],
        env=subprocess_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def with_a_taken_number(output: Path) -> None:
    """1.txt and 2.txt written by someone else, and a hint that (rightly trusting 1.txt) points at 2."""
    folder = output / "customer-a"
    folder.mkdir(parents=True)
    (folder / "1.txt").write_bytes(expected_bytes(TAKEN_LABEL))
    (folder / "2.txt").write_bytes(expected_bytes(TAKEN_LABEL))
    (bookkeeping(output) / "next-number").mkdir(parents=True)
    (bookkeeping(output) / "next-number" / "customer-a").write_text("2")


def age_temporary_files(output: Path, seconds: float = 2 * 3600) -> None:
    long_ago = time.time() - seconds
    for name in staging_names(output):
        os.utime(bookkeeping(output) / "staging" / name, (long_ago, long_ago))


def retry_in_this_process(output: Path, links: str = "links") -> str | None:
    with pytest.MonkeyPatch.context() as patch:
        if links == "no-links":
            patch.setattr(os, "link", no_link)
        return AbsolutelyClassAirlinesIntegration(output).deliver(transcript_saying(LABEL)).path


def no_link(source: object, target: object) -> None:
    raise OSError(errno.EPERM, "Operation not permitted")


def assert_one_file_and_tidy_bookkeeping(output: Path, receipt_path: str | None, expected_names: list[str]) -> None:
    folder = output / "customer-a"
    assert all_names(folder) == expected_names
    assert receipt_path == str(folder / expected_names[-1])
    assert (folder / expected_names[-1]).read_bytes() == expected_bytes(LABEL)
    key = delivery_key(transcript_saying(LABEL))
    assert all_names(bookkeeping(output) / "deliveries") == [key]
    # Whatever the killed process left in staging goes once stale, with the next delivery of another chat.
    age_temporary_files(output)
    AbsolutelyClassAirlinesIntegration(output).deliver(transcript_saying("another chat", "Customer B"))
    assert staging_names(output) == []


def test_a_first_delivery_passes_every_crash_point_once_in_order(tmp_path: Path) -> None:
    finished = deliver_in_a_process(tmp_path / "out", crash_at=0)

    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines()[0].split("|") == list(crash_points.POINTS)


def test_a_delivery_to_a_taken_number_records_a_new_intent_before_publishing(tmp_path: Path) -> None:
    with_a_taken_number(tmp_path / "out")

    finished = deliver_in_a_process(tmp_path / "out", crash_at=0)

    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines()[0].split("|") == list(STEPS_WHEN_THE_HINTED_NUMBER_IS_TAKEN)


@pytest.mark.parametrize(
    "crash_at", range(1, len(crash_points.POINTS) + 1), ids=lambda k: f"{k}-{crash_points.POINTS[k - 1]}"
)
def test_a_delivery_killed_after_any_step_and_retried_writes_exactly_one_file(tmp_path: Path, crash_at: int) -> None:
    output = tmp_path / "out"

    killed = deliver_in_a_process(output, crash_at)
    retried = retry_in_this_process(output)

    assert killed.returncode == -9, killed.stderr
    assert_one_file_and_tidy_bookkeeping(output, retried, ["1.txt"])


@pytest.mark.parametrize(
    "crash_at",
    range(1, len(STEPS_WHEN_THE_HINTED_NUMBER_IS_TAKEN) + 1),
    ids=lambda k: f"{k}-{STEPS_WHEN_THE_HINTED_NUMBER_IS_TAKEN[k - 1]}",
)
def test_a_delivery_killed_while_moving_past_a_taken_number_writes_exactly_one_file(
    tmp_path: Path, crash_at: int
) -> None:
    output = tmp_path / "out"
    with_a_taken_number(output)

    killed = deliver_in_a_process(output, crash_at)
    retried = retry_in_this_process(output)

    assert killed.returncode == -9, killed.stderr
    assert_one_file_and_tidy_bookkeeping(output, retried, ["1.txt", "2.txt", "3.txt"])
    assert (output / "customer-a" / "2.txt").read_bytes() == expected_bytes(TAKEN_LABEL)


def test_without_hard_links_a_delivery_records_that_it_renames_before_publishing(tmp_path: Path) -> None:
    finished = deliver_in_a_process(tmp_path / "out", crash_at=0, links="no-links")

    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.splitlines()[0].split("|") == list(STEPS_WHEN_THE_HINTED_NUMBER_IS_TAKEN)


@pytest.mark.parametrize(
    "crash_at",
    range(1, len(STEPS_WHEN_THE_HINTED_NUMBER_IS_TAKEN) + 1),
    ids=lambda k: f"{k}-{STEPS_WHEN_THE_HINTED_NUMBER_IS_TAKEN[k - 1]}",
)
def test_without_hard_links_a_delivery_killed_after_any_step_writes_exactly_one_file(
    tmp_path: Path, crash_at: int
) -> None:
    output = tmp_path / "out"

    killed = deliver_in_a_process(output, crash_at, links="no-links")
    retried = retry_in_this_process(output, links="no-links")

    assert killed.returncode == -9, killed.stderr
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "link", no_link)
        assert_one_file_and_tidy_bookkeeping(output, retried, ["1.txt"])


def test_retries_killed_again_at_each_later_step_still_write_exactly_one_file(tmp_path: Path) -> None:
    output = tmp_path / "out"
    outcomes = []
    for crash_at in range(1, len(crash_points.POINTS) + 2):
        run = deliver_in_a_process(output, crash_at)
        outcomes.append(run.returncode)
        if run.returncode == 0:
            break

    assert outcomes[-1] == 0 and set(outcomes[:-1]) == {-9} and len(outcomes) >= 3, outcomes
    assert all_names(output / "customer-a") == ["1.txt"]
    assert (output / "customer-a" / "1.txt").read_bytes() == expected_bytes(LABEL)


def test_a_late_retry_of_an_early_number_leaves_the_next_number_where_the_others_put_it(tmp_path: Path) -> None:
    output = tmp_path / "out"
    killed = deliver_in_a_process(output, crash_at=crash_points.POINTS.index("published") + 1)
    for label in ("second", "third"):
        AbsolutelyClassAirlinesIntegration(output).deliver(transcript_saying(label))

    retried = retry_in_this_process(output)

    assert killed.returncode == -9, killed.stderr
    assert retried == str(output / "customer-a" / "1.txt")
    assert (bookkeeping(output) / "next-number" / "customer-a").read_text() == "4"


def test_a_chat_whose_intended_number_went_to_another_chat_with_the_same_bytes_still_gets_its_own_file(
    tmp_path: Path,
) -> None:
    """Identical bytes do not make a file ours: with hard links, only our staged file's inode does."""
    output = tmp_path / "out"
    killed = deliver_in_a_process(output, crash_at=crash_points.POINTS.index("intent recorded") + 1)
    twin = dataclasses.replace(transcript_saying(LABEL), chat_id=transcript_saying(LABEL).chat_id + 1)
    twins_file = AbsolutelyClassAirlinesIntegration(output).deliver(twin).path

    retried = retry_in_this_process(output)

    assert killed.returncode == -9, killed.stderr
    assert (twins_file, retried) == (str(output / "customer-a" / "1.txt"), str(output / "customer-a" / "2.txt"))
    assert [(output / "customer-a" / name).read_bytes() for name in ("1.txt", "2.txt")] == [expected_bytes(LABEL)] * 2
