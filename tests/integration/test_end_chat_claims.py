"""End chat and the delivery's claim: another desktop cannot take it in between, and a failure leaves it to us."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_end_chat import files_under, folder_client

import services.end_chat
from integrations.base import DeliveryReceipt
from integrations.transcript import Transcript
from services.chats import get_chat
from services.clock import utc_now
from services.deliveries import retry_pending_deliveries
from services.end_chat import end_chat
from services.errors import DatabaseUnavailable
from services.process_claims import ClaimHolder
from services.results import DeliveryStatus
from services.storage.database import Database


def test_a_database_failure_after_the_chat_ended_reports_it_queued_not_refused(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import services.end_chat

    def database_gone(*args: object, **kwargs: object) -> None:
        raise DatabaseUnavailable("The database could not be used: disk I/O error")

    monkeypatch.setattr(services.end_chat, "deliver", database_gone)

    ended_at = utc_now()  # a claim made now: the lease has not run out
    result = end_chat(2, database.unit_of_work(), folder_client(tmp_path / "out"), clock=lambda: ended_at)

    monkeypatch.undo()
    retried = retry_pending_deliveries(database.unit_of_work(), folder_client(tmp_path / "out"))

    assert (result.status, result.error) == ("queued", "The database could not be used: disk I/O error")
    assert get_chat(database.unit_of_work(), 2).handle_end == ended_at
    # Still claimed by this process, which takes it up again at its next retry rather than after the lease.
    assert [r.status for r in retried] == [DeliveryStatus.DELIVERED]
    assert files_under(tmp_path / "out") == ["jane/1.txt"]


class CountingIntegration:
    """The folder client, counting the transcripts handed to it."""

    def __init__(self, folder: Path) -> None:
        self.inner = folder_client(folder)
        self.client = self.inner.client
        self.delivered: list[int] = []

    def render(self, transcript: Transcript) -> str:
        return self.inner.render(transcript)

    def describe(self) -> str:
        return self.inner.describe()

    def redact(self, text: str) -> str:
        return self.inner.redact(text)

    def deliver(self, transcript: Transcript) -> DeliveryReceipt:
        self.delivered.append(transcript.chat_id)
        return self.inner.deliver(transcript)


def test_another_desktop_retrying_the_moment_a_chat_ends_leaves_its_delivery_to_the_desktop_that_ended_it(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, theirs = CountingIntegration(tmp_path / "out"), CountingIntegration(tmp_path / "out")
    other_desktop = ClaimHolder(tmp_path / "other-desktop")
    close_and_enqueue = services.end_chat.close_chat_and_enqueue

    def close_then_let_the_other_desktop_retry(*args: Any, **kwargs: Any) -> int:
        delivery_id = close_and_enqueue(*args, **kwargs)
        retry_pending_deliveries(database.unit_of_work(), theirs, holder=other_desktop)
        return delivery_id

    monkeypatch.setattr(services.end_chat, "close_chat_and_enqueue", close_then_let_the_other_desktop_retry)
    result = end_chat(2, database.unit_of_work(), ours)  # now: the claim is fresh, not a lease run out
    other_desktop.close()

    assert (result.status, ours.delivered, theirs.delivered) == ("delivered", [2], [])
    assert files_under(tmp_path / "out") == ["jane/1.txt"]
