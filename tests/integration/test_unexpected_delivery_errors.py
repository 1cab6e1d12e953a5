"""An integration's bug (an error other than DeliveryFailed) is recorded and logged without its secrets.

The real Savage Rentals client, given a bug whose message quotes its URL (query and all) and its token, raw and
JSON-escaped, as an error from a library might; real databases on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

import pytest

from integrations.base import DeliveryReceipt
from integrations.savage_rentals import SavageRentalsIntegration
from integrations.transcript import Transcript
from secret_echo import QUERY, TOKEN, assert_no_secret_in
from services.deliveries import list_deliveries, retry_pending_deliveries
from services.end_chat import end_chat
from services.results import DeliveryStatus
from services.storage.database import Database

API_URL = "https://crm.example/transcripts" + QUERY
ENDED_AT = datetime(2020, 9, 29, 9, 12, 20)


class BuggyClient(SavageRentalsIntegration):
    def deliver(self, transcript: Transcript) -> DeliveryReceipt:
        raise RuntimeError(f"cannot post to {self.api_url} as Bearer {TOKEN} ({json.dumps({'token': TOKEN})})")


def test_an_integration_bug_quoting_its_secrets_is_recorded_and_logged_without_them(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = BuggyClient(API_URL, token=TOKEN)

    result = end_chat(2, database.unit_of_work(), client, clock=lambda: ENDED_AT)
    [retried] = retry_pending_deliveries(database.unit_of_work(), client)
    [stored] = list_deliveries(database.unit_of_work(), DeliveryStatus.FAILED)

    assert result.status == "queued"
    assert result.error == (
        "Unexpected error: cannot post to https://crm.example/transcripts?api_key=<hidden>&v=2 as Bearer <hidden> "
        '({"token": "<hidden>"})'
    )
    assert retried.error == stored.error == result.error
    assert "Traceback" in caplog.text and "RuntimeError: cannot post" in caplog.text  # a developer still learns why
    assert_no_secret_in(result.error or "", stored.error or "", caplog.text)
