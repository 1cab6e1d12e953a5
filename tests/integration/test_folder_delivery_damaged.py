"""Bookkeeping that someone or something damaged: what the delivery does, and what it says in the log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from folder_testing import label_in, transcript_saying
from test_folder_delivery_bookkeeping import an_older_versions_folder, key_of, stage_by_hand

from integrations.absolutely_class_airlines import AbsolutelyClassAirlinesIntegration, from_config


@pytest.fixture
def integration(tmp_path: Path) -> AbsolutelyClassAirlinesIntegration:
    return from_config({"output_folder": str(tmp_path / "out")}, {})


def test_an_older_versions_marker_that_is_not_utf8_is_dropped_and_the_chat_written_again(
    integration: AbsolutelyClassAirlinesIntegration, caplog: pytest.LogCaptureFixture
) -> None:
    folder = an_older_versions_folder(integration.output_folder, ["old one", "old two"])
    marker = folder / f".delivered-{key_of('old two')}"
    marker.write_bytes(b"\xff\xfe2.txt")

    with caplog.at_level(logging.INFO, logger="integrations"):
        again = integration.deliver(transcript_saying("old two"))

    assert again.path == str(folder / "3.txt")
    assert label_in(folder / "3.txt") == "old two"
    assert not marker.exists()
    assert f"Dropping {marker}: the file it names is gone, so the transcript is written again" in caplog.messages


def test_a_stale_staged_file_is_removed_by_the_next_delivery_and_the_log_says_so(
    integration: AbsolutelyClassAirlinesIntegration, caplog: pytest.LogCaptureFixture
) -> None:
    orphan = stage_by_hand(integration.output_folder, "died before its intent", aged=True)

    with caplog.at_level(logging.INFO, logger="integrations"):
        integration.deliver(transcript_saying("next"))

    assert not orphan.exists()
    assert f"Removing stale temporary file {orphan}" in caplog.messages
