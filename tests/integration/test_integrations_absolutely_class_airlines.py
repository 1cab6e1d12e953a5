import os
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import integrations
from integrations.absolutely_class_airlines import (
    DELIVERED_MARKER_PREFIX,
    AbsolutelyClassAirlinesIntegration,
    from_config,
)
from integrations.base import DeliveryFailed
from integrations.transcript import Transcript, TranscriptLine, build_transcript

HANDLE_START = datetime(2020, 9, 29, 9, 0, 20, 540957)
HINT_FILE_NAME = ".next-number"
REPOSITORY_ROOT = Path(integrations.__file__).resolve().parents[1]

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


def test_no_temporary_files_are_left_behind(integration: AbsolutelyClassAirlinesIntegration) -> None:
    for index in range(3):
        integration.deliver(transcript_saying(f"message {index}"))

    folder = integration.output_folder / "customer-a"
    names = sorted(path.name for path in folder.iterdir() if not path.name.startswith(DELIVERED_MARKER_PREFIX))
    assert names == [HINT_FILE_NAME, "1.txt", "2.txt", "3.txt"]
    assert len([path for path in folder.iterdir() if path.name.startswith(DELIVERED_MARKER_PREFIX)]) == 3
    assert [path.name for path in integration.output_folder.iterdir()] == ["customer-a"]


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
            env={**os.environ, "PYTHONPATH": str(REPOSITORY_ROOT)},
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
    (folder / HINT_FILE_NAME).write_bytes(hint)

    receipt = integration.deliver(transcript_saying("after"))

    assert receipt.path == str(folder / "6.txt")
    assert_numbered_without_gaps(folder, [*labels, "after"])
    assert (folder / HINT_FILE_NAME).read_text() == "7"


def test_a_hint_that_is_a_folder_does_not_stop_deliveries(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    labels = deliver_five(integration)
    folder = integration.output_folder / "customer-a"
    (folder / HINT_FILE_NAME).unlink()
    (folder / HINT_FILE_NAME).mkdir()

    receipt = integration.deliver(transcript_saying("after"))

    assert receipt.path == str(folder / "6.txt")
    assert sorted(label_in(folder / f"{number}.txt") for number in range(1, 7)) == sorted([*labels, "after"])
    assert [path.name for path in folder.iterdir() if path.name.endswith(".tmp")] == []


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
    assert [path.name for path in integration.output_folder.iterdir()] == ["customer-a"]


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


def test_a_marker_whose_file_is_gone_writes_the_transcript_again(
    integration: AbsolutelyClassAirlinesIntegration,
) -> None:
    first = integration.deliver(transcript_saying("hello"))
    Path(first.path or "").unlink()

    again = integration.deliver(transcript_saying("hello"))

    assert Path(again.path or "").read_bytes() == expected_bytes("hello")
