"""Ending chats and the transcript outbox, on real databases, real folders and a real HTTP server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import update

from integrations.base import DeliveryReceipt, TranscriptIntegration
from integrations.registry import create_integration
from integrations.transcript import Transcript
from seed_data import SEED_DAY, add_chat
from services.chats import get_chat
from services.deliveries import list_deliveries, retry_delivery, retry_pending_deliveries
from services.end_chat import close_chat_and_enqueue, end_chat
from services.errors import ChatAlreadyEnded, ChatNotStarted, UnknownChat
from services.performance import agent_performance
from services.results import DeliveryStatus, EndChatResult
from services.storage.database import Database
from services.storage.models import Delivery

JANE_TRANSCRIPT = (
    "Chat on 29 Sep 2020 09:02:\n\n"
    "[09:02, Customer]: Your website is giving me an error.\n"
    "[09:04, Agent]: Sorry to hear that, what is the error?"
)
ENDED_AT = datetime(2020, 9, 29, 9, 12, 20, 540957)  # ten minutes after chat 2 was picked up


def folder_client(folder: Path) -> TranscriptIntegration:
    folder.mkdir(parents=True, exist_ok=True)  # as a first delivery leaves it: reading the config makes no folder
    return create_integration("absolutely_class_airlines", {"output_folder": str(folder)}, {})


def api_client(url: str) -> TranscriptIntegration:
    section: dict[str, object] = {"api_url": url, "retries": 0, "timeout_seconds": 2}
    return create_integration("savage_rentals", section, {})


def end_jane(database: Database, integration: TranscriptIntegration) -> EndChatResult:
    return end_chat(2, database.unit_of_work(), integration, clock=lambda: ENDED_AT)


def files_under(folder: Path) -> list[str]:
    """The transcripts a person sees: the numbered files, not the writer's hidden bookkeeping."""
    if not folder.exists():
        return []
    paths = (p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    return sorted(str(p) for p in paths if not any(part.startswith(".") for part in p.parts))


def test_ending_a_chat_writes_the_next_file_for_the_customer(database: Database, tmp_path: Path) -> None:
    result = end_jane(database, folder_client(tmp_path / "out"))

    assert (result.status, result.client, result.error) == ("delivered", "absolutely_class_airlines", None)
    assert result.path == str(tmp_path / "out" / "jane" / "1.txt")
    assert Path(result.path).read_bytes() == (JANE_TRANSCRIPT + "\nThis chat took 600 seconds to handle.").encode()
    assert get_chat(database.unit_of_work(), 2).handle_end == ENDED_AT
    [record] = list_deliveries(database.unit_of_work())
    assert (record.chat_id, record.status, record.attempts, record.path) == (
        2,
        DeliveryStatus.DELIVERED,
        1,
        result.path,
    )


def test_ending_a_chat_posts_the_transcript_to_the_api(database: Database, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(
        "/transcripts", method="POST", json={"content": JANE_TRANSCRIPT}
    ).respond_with_data('{"id": 7}', status=201)

    result = end_jane(database, api_client(httpserver.url_for("/transcripts")))

    assert (result.status, result.http_status, result.response, result.path) == (
        "delivered",
        201,
        '{"id": 7}',
        None,
    )
    httpserver.check_assertions()


@pytest.mark.parametrize(("chat_id", "error"), [(1, ChatAlreadyEnded), (5, ChatNotStarted), (404, UnknownChat)])
def test_a_refused_end_changes_nothing_and_writes_nothing(
    database: Database, tmp_path: Path, chat_id: int, error: type[Exception]
) -> None:
    before = get_chat(database.unit_of_work(), chat_id) if chat_id != 404 else None

    with pytest.raises(error):
        end_chat(chat_id, database.unit_of_work(), folder_client(tmp_path / "out"))

    assert files_under(tmp_path / "out") == []
    assert list_deliveries(database.unit_of_work()) == []
    if before is not None:
        assert get_chat(database.unit_of_work(), chat_id) == before


def test_ending_twice_is_refused_and_the_transcript_is_written_once(database: Database, tmp_path: Path) -> None:
    end_jane(database, folder_client(tmp_path / "out"))

    with pytest.raises(ChatAlreadyEnded):
        end_jane(database, folder_client(tmp_path / "out"))

    assert files_under(tmp_path / "out") == ["jane/1.txt"]
    assert len(list_deliveries(database.unit_of_work())) == 1


def test_two_desktops_ending_the_same_chat_at_once_exactly_one_succeeds(database: Database, tmp_path: Path) -> None:
    start_together = threading.Barrier(4)
    outcomes: list[str] = []

    def desktop() -> None:
        start_together.wait()
        try:
            end_chat(2, database.unit_of_work(), folder_client(tmp_path / "out"))
            outcomes.append("ended")
        except ChatAlreadyEnded:
            outcomes.append("refused")

    threads = [threading.Thread(target=desktop) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ended", "refused", "refused", "refused"]
    assert files_under(tmp_path / "out") == ["jane/1.txt"]


def test_a_failed_delivery_stays_queued_and_a_retry_delivers_it_once(
    database: Database, httpserver: HTTPServer
) -> None:
    httpserver.expect_oneshot_request("/transcripts").respond_with_data("overloaded", status=503)
    httpserver.expect_oneshot_request("/transcripts").respond_with_data("stored", status=200)
    client = api_client(httpserver.url_for("/transcripts"))

    queued = end_jane(database, client)
    [retried] = retry_pending_deliveries(database.unit_of_work(), client)
    again = retry_pending_deliveries(database.unit_of_work(), client)

    assert (queued.status, queued.http_status) == ("queued", 503)
    assert "503" in (queued.error or "")
    assert (retried.status, retried.attempts, retried.http_status, retried.error) == (
        DeliveryStatus.DELIVERED,
        2,
        200,
        None,
    )
    assert again == []
    assert len(httpserver.log) == 2
    assert get_chat(database.unit_of_work(), 2).handle_end == ENDED_AT


def test_an_unwritable_folder_queues_the_transcript_until_it_can_be_written(database: Database, tmp_path: Path) -> None:
    client = folder_client(tmp_path / "out")
    (tmp_path / "out" / "jane").write_text("a file where the customer folder should be")

    queued = end_jane(database, client)
    (tmp_path / "out" / "jane").unlink()
    [delivery] = list_deliveries(database.unit_of_work())
    retried = retry_delivery(delivery.delivery_id, database.unit_of_work(), client)

    assert queued.status == "queued"
    assert delivery.status is DeliveryStatus.FAILED
    assert retried.status is DeliveryStatus.DELIVERED
    assert retried.path == str(tmp_path / "out" / "jane" / "1.txt")


def test_a_delivery_interrupted_after_the_commit_is_completed_by_the_retry(database: Database, tmp_path: Path) -> None:
    close_chat_and_enqueue(2, database.unit_of_work(), "absolutely_class_airlines", ENDED_AT)

    [delivered] = retry_pending_deliveries(database.unit_of_work(), folder_client(tmp_path / "out"))

    assert delivered.status is DeliveryStatus.DELIVERED
    assert files_under(tmp_path / "out") == ["jane/1.txt"]


def end_chat_and_die_mid_delivery(database_url: str, data_folder: Path | None = None) -> int:
    """A real process that ends chat 2 and is gone while its transcript is in flight; its exit code."""
    killed_mid_delivery = (
        "import os\n"
        "from services.database import open_database\n"
        "from services.end_chat import end_chat\n"
        "class Dies:\n"
        "    client = 'absolutely_class_airlines'\n"
        "    def render(self, t): return t.text\n"
        "    def describe(self): return 'dies'\n"
        "    def deliver(self, t): os._exit(9)\n"
        f"end_chat(2, open_database({database_url!r}).unit_of_work(), Dies())\n"
    )
    environment = dict(os.environ) if data_folder is None else {**os.environ, "XDG_DATA_HOME": str(data_folder)}
    died = subprocess.run([sys.executable, "-c", killed_mid_delivery], env=environment, capture_output=True)
    return died.returncode


def test_a_claim_of_a_dead_process_on_this_desktop_is_taken_over_at_once(database: Database, tmp_path: Path) -> None:
    url = database.engine.url.render_as_string(hide_password=False)

    died = end_chat_and_die_mid_delivery(url)
    [taken_over] = retry_pending_deliveries(database.unit_of_work(), folder_client(tmp_path / "out"))

    assert died == 9
    assert (taken_over.status, taken_over.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert files_under(tmp_path / "out") == ["jane/1.txt"]


def test_another_desktop_takes_over_a_dead_processs_claim_only_after_its_lease(
    database: Database, tmp_path: Path
) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    client = folder_client(tmp_path / "out")

    died = end_chat_and_die_mid_delivery(url, data_folder=tmp_path / "other-desktop")
    [still_claimed] = retry_pending_deliveries(database.unit_of_work(), client)
    with database.unit_of_work() as uow:  # the dead process's claim is now older than its lease
        uow.session.execute(update(Delivery).values(claimed_at=datetime(2000, 1, 1)))
        uow.commit()
    [taken_over] = retry_pending_deliveries(database.unit_of_work(), client)

    assert died == 9
    assert (still_claimed.status, still_claimed.attempts) == (DeliveryStatus.DELIVERING, 1)
    assert (taken_over.status, taken_over.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert files_under(tmp_path / "out") == ["jane/1.txt"]


class BrokenIntegration:
    client = "absolutely_class_airlines"

    def render(self, transcript: Transcript) -> str:
        return transcript.text

    def describe(self) -> str:
        return "broken"

    def redact(self, text: str) -> str:
        return text

    def deliver(self, transcript: Transcript) -> DeliveryReceipt:
        raise ZeroDivisionError("a bug in the integration")


def test_an_integration_bug_is_recorded_as_a_failed_delivery(database: Database) -> None:
    result = end_jane(database, BrokenIntegration())

    assert result.status == "queued"
    assert "a bug in the integration" in (result.error or "")
    assert list_deliveries(database.unit_of_work(), DeliveryStatus.FAILED)[0].chat_id == 2


def test_deliveries_for_another_client_wait_for_that_client(database: Database, tmp_path: Path) -> None:
    close_chat_and_enqueue(2, database.unit_of_work(), "savage_rentals", ENDED_AT)

    assert retry_pending_deliveries(database.unit_of_work(), folder_client(tmp_path / "out")) == []
    assert list_deliveries(database.unit_of_work())[0].status is DeliveryStatus.PENDING


def test_handling_time_counts_chats_longer_than_a_day(database: Database, tmp_path: Path) -> None:
    two_days_later = datetime(2020, 10, 1, 9, 2, 25, 540957)

    result = end_chat(2, database.unit_of_work(), folder_client(tmp_path / "out"), clock=lambda: two_days_later)

    expected = int((two_days_later - datetime(2020, 9, 29, 9, 2, 20, 540957)) / timedelta(seconds=1))
    assert expected == 172_805
    assert Path(result.path or "").read_text().endswith(f"\nThis chat took {expected} seconds to handle.")


def test_an_ended_chat_counts_in_its_agents_figures_straight_away(database: Database, tmp_path: Path) -> None:
    end_jane(database, folder_client(tmp_path / "out"))

    agent = agent_performance(database.unit_of_work())[0]
    assert (agent.name, agent.chats_handled, agent.chats_in_progress) == ("Test User 1", 2, 0)
    assert agent.average_handling_seconds == (300 + 600) / 2
    assert get_chat(database.unit_of_work(), 2).handling_seconds == 600.0


def test_retrying_a_delivery_that_is_already_delivered_returns_it_and_locks_nothing(
    sqlite_url: str, tmp_path: Path
) -> None:
    import sqlite3

    from services.database import open_database

    database = open_database(sqlite_url)
    client = folder_client(tmp_path / "out")
    result = end_chat(2, database.unit_of_work(), client)

    again = retry_delivery(result.delivery_id, database.unit_of_work(), client)
    other_desktop = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), timeout=0.5)
    other_desktop.execute("UPDATE users SET name = 'Renamed' WHERE user_id = 2")
    other_desktop.commit()
    other_desktop.close()
    database.dispose()

    assert (again.status, again.attempts, again.path) == (DeliveryStatus.DELIVERED, 1, result.path)
    assert files_under(tmp_path / "out") == ["jane/1.txt"]


def test_an_in_memory_database_serves_concurrent_workers_consistently(tmp_path: Path) -> None:
    from services.chats import list_chats
    from services.database import open_database

    database = open_database("sqlite://")
    chat_ids = [add_chat(database, user_id=1, start=SEED_DAY, seconds=None) for _ in range(40)]
    client = folder_client(tmp_path / "out")
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                agent_performance(database.unit_of_work())
                list_chats(database.unit_of_work(), limit=20)
            except BaseException as exc:
                errors.append(exc)
                return

    readers = [threading.Thread(target=reader) for _ in range(3)]
    for thread in readers:
        thread.start()
    results = [end_chat(chat_id, database.unit_of_work(), client) for chat_id in chat_ids]
    stop.set()
    for thread in readers:
        thread.join()

    assert errors == []
    assert {r.status for r in results} == {"delivered"}
    assert agent_performance(database.unit_of_work())[0].chats_handled == 41
    assert len(list_deliveries(database.unit_of_work())) == 40
