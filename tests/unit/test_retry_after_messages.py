"""The sentence a manager reads when the API asks to wait longer than a delivery may take."""

from __future__ import annotations

import pytest

from integrations.base import DeliveryFailed
from integrations.savage_rentals_errors import Failure, with_retry_after_refused


def refused(message: str, seconds: float) -> DeliveryFailed:
    failure = Failure(DeliveryFailed(message, http_status=429, response="slow down"), retry_now=True)
    result = with_retry_after_refused(failure, seconds)
    assert result.retry_now is False
    return result.failed


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (119, "119 s"),
        (120, "2 min"),
        (7199, "120 min"),
        (7200, "2 h"),
        (145_810, "41 h"),  # 40.503 h: an hour counted as 3,601 s would say 40
        (172_799, "48 h"),
        (172_800, "2 days"),
    ],
)
def test_the_wait_is_said_in_the_largest_unit_that_keeps_it_readable(seconds: int, said: str) -> None:
    failed = refused("The Savage Rentals API failed with HTTP 429: slow down", seconds)

    assert str(failed) == (
        f"The Savage Rentals API failed with HTTP 429: slow down. It asked to wait {said} before a retry, "
        "longer than this delivery may take; the transcript stays queued."
    )
    assert (failed.http_status, failed.response) == (429, "slow down")


@pytest.mark.parametrize("ending", [".", "…", "!", "?"])
def test_a_message_that_already_ends_a_sentence_gets_no_second_full_stop(ending: str) -> None:
    failed = refused(f"The Savage Rentals API failed with HTTP 429: slow dow{ending}", 7200)

    assert str(failed).startswith(f"The Savage Rentals API failed with HTTP 429: slow dow{ending} It asked to wait 2 h")
