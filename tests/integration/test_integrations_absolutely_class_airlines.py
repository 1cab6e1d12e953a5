import os
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

import pytest
from folder_testing import (
    SUBPROCESS_PYTHONPATH,
    all_names,
    bookkeeping,
    expected_bytes,
    label_in,
    staging_names,
    transcript_saying,
)

from integrations.absolutely_class_airlines import AbsolutelyClassAirlinesIntegration, from_config
from integrations.base import DeliveryFailed

# Runs in separate interpreters: waits for "go" so that every process writes at the same time.
WRITER_PROCESS = """
import sys, threading, time, zlib
from datetime import datetime, timedelta
from pathlib import Path
from integrations.absolutely_class_airlines import AbsolutelyClassAirlinesIntegration
from integrations.transcript import TranscriptLine, build_transcript

output, control, worker = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
threads, per_thread = int(sys.argv[4]), int(sys.argv[5])
integration = AbsolutelyClassAirlinesIntegration(output)
start = datetime(2020, 9, 29, 9, 0, 20, 540957)

def write(thread):
    for index in range(per_thread):
        label = f"process {worker} thread {thread} delivery {index}"
        line = TranscriptLine(start, False, label)
        chat_id = zlib.crc32(label.encode())
        integration.deliver(build_transcript(chat_id, "Customer A", start, start + timedelta(seconds=61), [line]))

(control / f"ready-{worker}").touch()
while not (control / "go").exists():
    time.sleep(0.001)
workers = [threading.Thread(target=write, args=(thread,)) for thread in range(threads)]
for thread in workers:
    thread.start()
for thread in workers:
    thread.join()
"""


def assert_numbered_without_gaps(folder: Path, expected_labels: Iterable[str]) -> None:
    expected = sorted(expected_labels)
    names = {path.name for path in folder.iterdir() if not path.name.startswith(".")}
    assert names == {f"{number}.txt" for number in range(1, len(expected) + 1)}, "gaps or stray files"
    assert sorted(label_in(folder / name) for name in names) == expected, "a delivery was lost or overwritten"


@pytest.fixture
def integration(tmp_path: Path) -> AbsolutelyClassAirlinesIntegration:
    (tmp_path / "transcripts").mkdir()  # as an earlier delivery left it: reading the config makes no folder
    return from_config({"output_folder": str(tmp_path / "transcripts")}, {})


def test_transcripts_are_numbered_from_one_with_exact_bytes(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    first = integration.deliver(transcript_saying("Hello, I need to cancel my reservation."))
    second = integration.deliver(transcript_saying("Sound, thanks."))

    folder = integration.output_folder / "customer-a"
    assert (first.path, second.path) == (str(folder / "1.txt"), str(folder / "2.txt"))
    assert folder.is_absolute()
    assert (folder / "1.txt").read_bytes() == expected_bytes("Hello, I need to cancel my reservation.")
    assert (folder / "2.txt").read_bytes() == expected_bytes("Sound, thanks.")
    assert (first.http_status, first.response) == (None, None)


def test_text_is_written_as_utf8_without_newline_translation(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    receipt = integration.deliver(transcript_saying("Zoë says 李小龙 \r ok"))

    assert Path(receipt.path or "").read_bytes() == expected_bytes("Zoë says 李小龙 \r ok")


def test_each_customer_has_its_own_folder_counting_from_one(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    integration.deliver(transcript_saying("first for A"))
    integration.deliver(transcript_saying("second for A"))

    receipt = integration.deliver(transcript_saying("first for B", customer_name="Customer B"))

    assert receipt.path == str(integration.output_folder / "customer-b" / "1.txt")


def test_missing_output_and_customer_folders_are_created_on_delivery(tmp_path: Path) -> None:
    integration = AbsolutelyClassAirlinesIntegration(tmp_path / "not" / "yet" / "there")

    receipt = integration.deliver(transcript_saying("hello"))

    assert receipt.path == str(tmp_path / "not" / "yet" / "there" / "customer-a" / "1.txt")


def test_a_customer_folder_holds_only_the_numbered_transcripts(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    for index in range(3):
        integration.deliver(transcript_saying(f"message {index}"))
    integration.deliver(transcript_saying("message for B", customer_name="Customer B"))

    assert all_names(integration.output_folder / "customer-a") == ["1.txt", "2.txt", "3.txt"]
    assert all_names(integration.output_folder) == [".arthur-desktop", "customer-a", "customer-b"]
    assert staging_names(integration.output_folder) == []
    assert len(all_names(bookkeeping(integration.output_folder) / "deliveries")) == 4


def test_concurrent_threads_never_overwrite_or_leave_gaps(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    threads, per_thread = 8, 10
    labels = [f"thread {thread} delivery {index}" for thread in range(threads) for index in range(per_thread)]
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def write(thread: int) -> None:
        start.wait()
        try:
            for index in range(per_thread):
                integration.deliver(transcript_saying(f"thread {thread} delivery {index}"))
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=write, args=(thread,)) for thread in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert_numbered_without_gaps(integration.output_folder / "customer-a", labels)


def test_concurrent_processes_sharing_a_folder_never_overwrite_or_leave_gaps(tmp_path: Path) -> None:
    output, control = tmp_path / "shared", tmp_path / "control"
    control.mkdir()
    processes, threads, per_thread = 3, 4, 8
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER_PROCESS,
                str(output),
                str(control),
                str(worker),
                str(threads),
                str(per_thread),
            ],
            env={**os.environ, "PYTHONPATH": SUBPROCESS_PYTHONPATH},
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(processes)
    ]
    try:
        wait_for_files(control, [f"ready-{worker}" for worker in range(processes)])
        (control / "go").touch()
        errors = [writer.communicate(timeout=60)[1] for writer in writers]
    finally:
        for writer in writers:
            writer.kill()
            writer.wait()

    assert [writer.returncode for writer in writers] == [0] * processes, errors
    labels = [
        f"process {worker} thread {thread} delivery {index}"
        for worker in range(processes)
        for thread in range(threads)
        for index in range(per_thread)
    ]
    assert_numbered_without_gaps(output / "customer-a", labels)


def wait_for_files(folder: Path, names: list[str], timeout_seconds: float = 30) -> None:
    done = threading.Event()
    for _ in range(int(timeout_seconds * 100)):
        if all((folder / name).exists() for name in names):
            return
        done.wait(0.01)
    pytest.fail(f"writer processes did not start within {timeout_seconds} s")


def hint_file(integration: AbsolutelyClassAirlinesIntegration) -> Path:
    return bookkeeping(integration.output_folder) / "next-number" / "customer-a"


def deliver_five(integration: AbsolutelyClassAirlinesIntegration) -> list[str]:
    labels = [f"before {index}" for index in range(5)]
    for label in labels:
        integration.deliver(transcript_saying(label))
    return labels


@pytest.mark.parametrize(
    "hint", [b"1", b"3", b"5", b"100", b"0", b"-3", b"", b"garbage", b"\xff\xfe", b"9" * 400, b" 6\n"]
)
def test_a_stale_or_corrupt_hint_never_causes_gaps_or_overwrites(
    integration: AbsolutelyClassAirlinesIntegration, hint: bytes
) -> None:
    labels = deliver_five(integration)
    folder = integration.output_folder / "customer-a"
    hint_file(integration).write_bytes(hint)

    receipt = integration.deliver(transcript_saying("after"))

    assert receipt.path == str(folder / "6.txt")
    assert_numbered_without_gaps(folder, [*labels, "after"])
    assert hint_file(integration).read_text() == "7"


def test_a_hint_that_is_a_folder_does_not_stop_deliveries(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    labels = deliver_five(integration)
    folder = integration.output_folder / "customer-a"
    hint_file(integration).unlink()
    hint_file(integration).mkdir()

    receipt = integration.deliver(transcript_saying("after"))

    assert receipt.path == str(folder / "6.txt")
    assert_numbered_without_gaps(folder, [*labels, "after"])
    assert staging_names(integration.output_folder) == []


def test_a_trustworthy_hint_is_followed_instead_of_listing_the_folder(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    deliver_five(integration)
    folder = integration.output_folder / "customer-a"
    (folder / "50.txt").write_text("put here by hand")  # a listing would continue after it, at 51

    receipt = integration.deliver(transcript_saying("after"))

    assert receipt.path == str(folder / "6.txt")


def test_a_customer_folder_blocked_by_a_file_fails_cleanly(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    blocker = integration.output_folder / "customer-a"
    blocker.write_bytes(b"not a folder")

    with pytest.raises(DeliveryFailed) as failure:
        integration.deliver(transcript_saying("hello"))

    assert "customer-a" in str(failure.value)
    assert isinstance(failure.value.__cause__, OSError)
    assert blocker.read_bytes() == b"not a folder"
    assert all_names(integration.output_folder) == [".arthur-desktop", "customer-a"]
    assert staging_names(integration.output_folder) == []


def test_an_output_folder_below_a_regular_file_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "plain-file").write_bytes(b"")
    integration = AbsolutelyClassAirlinesIntegration(tmp_path / "plain-file" / "transcripts")

    with pytest.raises(DeliveryFailed, match="Could not save the transcript of chat 1"):
        integration.deliver(transcript_saying("hello"))

    assert [path.name for path in tmp_path.iterdir()] == ["plain-file"]


def test_delivering_the_same_chat_again_returns_its_file_instead_of_a_copy(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    first = integration.deliver(transcript_saying("hello"))
    other = integration.deliver(transcript_saying("another chat"))

    again = integration.deliver(transcript_saying("hello"))

    assert first.path is not None and again.path == first.path
    assert Path(first.path).name == "1.txt"
    assert Path(other.path or "").name == "2.txt"
    assert_numbered_without_gaps(integration.output_folder / "customer-a", ["hello", "another chat"])


def test_a_delivered_chat_whose_file_is_gone_is_written_again(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    first = integration.deliver(transcript_saying("hello"))
    Path(first.path or "").unlink()

    again = integration.deliver(transcript_saying("hello"))

    assert Path(again.path or "").read_bytes() == expected_bytes("hello")
