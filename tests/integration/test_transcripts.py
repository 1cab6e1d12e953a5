"""Every seed chat's transcript, byte for byte, as each client receives it."""

from __future__ import annotations

from pathlib import Path

import pytest

from integrations.registry import create_integration
from services.errors import ChatNotStarted, UnknownChat
from services.storage.database import Database
from services.transcripts import chat_transcript

SEED_TRANSCRIPTS = {
    1: "Chat on 29 Sep 2020 09:00:\n\n"
    "[09:00, Customer]: Hello, I need to cancel my reservation.\n"
    "[09:01, Agent]: I can do that.\n"
    "[09:02, Agent]: That has been cancelled.\n"
    "[09:04, Customer]: Sound, thanks.",
    2: "Chat on 29 Sep 2020 09:02:\n\n"
    "[09:02, Customer]: Your website is giving me an error.\n"
    "[09:04, Agent]: Sorry to hear that, what is the error?",
    3: "Chat on 29 Sep 2020 09:02:\n\n"
    "[09:02, Customer]: What are your opening hours?.\n"
    "[09:04, Agent]: Monday to Friday, 9am to 6pm.\n"
    "[09:04, Customer]: Thanks.",
    4: "Chat on 29 Sep 2020 08:44:\n\n"
    "[08:44, Customer]: I'd like to make a complaint.\n"
    "[08:46, Agent]: Please fill out a complaint form.\n"
    "[08:53, Agent]: You can find it on our website.\n"
    "[09:01, Customer]: OK I'll do that.",
}
HANDLING_SECONDS = {1: 300, 3: 180, 4: 600}


@pytest.mark.parametrize("chat_id", sorted(SEED_TRANSCRIPTS))
def test_savage_rentals_receive_the_seed_transcript_byte_for_byte(database: Database, chat_id: int) -> None:
    client = create_integration("savage_rentals", {"api_url": "http://127.0.0.1:9/never-called"}, {})

    assert chat_transcript(chat_id, database.unit_of_work(), client) == SEED_TRANSCRIPTS[chat_id]


@pytest.mark.parametrize("chat_id", sorted(HANDLING_SECONDS))
def test_absolutely_class_airlines_get_one_more_closing_line(database: Database, tmp_path: Path, chat_id: int) -> None:
    client = create_integration("absolutely_class_airlines", {"output_folder": str(tmp_path)}, {})

    text = chat_transcript(chat_id, database.unit_of_work(), client)

    closing = f"This chat took {HANDLING_SECONDS[chat_id]} seconds to handle."
    assert text == f"{SEED_TRANSCRIPTS[chat_id]}\n{closing}"


@pytest.mark.parametrize(("chat_id", "error"), [(5, ChatNotStarted), (6, ChatNotStarted), (77, UnknownChat)])
def test_chats_without_a_transcript_are_named_errors(
    database: Database, tmp_path: Path, chat_id: int, error: type[Exception]
) -> None:
    client = create_integration("absolutely_class_airlines", {"output_folder": str(tmp_path)}, {})

    with pytest.raises(error):
        chat_transcript(chat_id, database.unit_of_work(), client)
