import locale
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from integrations.absolutely_class_airlines import AbsolutelyClassAirlinesIntegration
from integrations.savage_rentals import SavageRentalsIntegration
from integrations.transcript import (
    Transcript,
    TranscriptLine,
    build_transcript,
    format_transcript,
    whole_seconds_between,
)

SEED_MICROSECONDS = 540957


def at(hour: int, minute: int, second: int = 20, microsecond: int = 0) -> datetime:
    return datetime(2020, 9, 29, hour, minute, second, microsecond)


def customer(hour: int, minute: int, text: str) -> TranscriptLine:
    return TranscriptLine(sent_at=at(hour, minute), from_agent=False, text=text)


def agent(hour: int, minute: int, text: str) -> TranscriptLine:
    return TranscriptLine(sent_at=at(hour, minute), from_agent=True, text=text)


SEED_CHATS = {
    1: (
        at(9, 0, microsecond=SEED_MICROSECONDS),
        [
            customer(9, 0, "Hello, I need to cancel my reservation."),
            agent(9, 1, "I can do that."),
            agent(9, 2, "That has been cancelled."),
            customer(9, 4, "Sound, thanks."),
        ],
        "Chat on 29 Sep 2020 09:00:\n"
        "\n"
        "[09:00, Customer]: Hello, I need to cancel my reservation.\n"
        "[09:01, Agent]: I can do that.\n"
        "[09:02, Agent]: That has been cancelled.\n"
        "[09:04, Customer]: Sound, thanks.",
    ),
    2: (
        at(9, 2, microsecond=SEED_MICROSECONDS),
        [
            customer(9, 2, "Your website is giving me an error."),
            agent(9, 4, "Sorry to hear that, what is the error?"),
        ],
        "Chat on 29 Sep 2020 09:02:\n"
        "\n"
        "[09:02, Customer]: Your website is giving me an error.\n"
        "[09:04, Agent]: Sorry to hear that, what is the error?",
    ),
    3: (
        at(9, 2, microsecond=SEED_MICROSECONDS),
        [
            customer(9, 2, "What are your opening hours?."),
            agent(9, 4, "Monday to Friday, 9am to 6pm."),
            customer(9, 4, "Thanks."),
        ],
        "Chat on 29 Sep 2020 09:02:\n"
        "\n"
        "[09:02, Customer]: What are your opening hours?.\n"
        "[09:04, Agent]: Monday to Friday, 9am to 6pm.\n"
        "[09:04, Customer]: Thanks.",
    ),
    4: (
        at(8, 44, microsecond=SEED_MICROSECONDS),
        [
            customer(8, 44, "I'd like to make a complaint."),
            agent(8, 46, "Please fill out a complaint form."),
            agent(8, 53, "You can find it on our website."),
            customer(9, 1, "OK I'll do that."),
        ],
        "Chat on 29 Sep 2020 08:44:\n"
        "\n"
        "[08:44, Customer]: I'd like to make a complaint.\n"
        "[08:46, Agent]: Please fill out a complaint form.\n"
        "[08:53, Agent]: You can find it on our website.\n"
        "[09:01, Customer]: OK I'll do that.",
    ),
}
NON_ENGLISH_LOCALES = ("de_DE.UTF-8", "fr_FR.UTF-8", "es_ES.UTF-8", "it_IT.UTF-8", "nl_NL.UTF-8")


@pytest.mark.parametrize("chat_id", sorted(SEED_CHATS))
def test_each_seed_chat_is_formatted_byte_for_byte(chat_id: int) -> None:
    handle_start, lines, expected = SEED_CHATS[chat_id]

    assert format_transcript(handle_start, lines).encode("utf-8") == expected.encode("utf-8")


def test_a_day_below_ten_is_zero_padded_and_there_is_no_trailing_newline() -> None:
    text = format_transcript(datetime(2021, 1, 5, 7, 3), [agent(7, 3, "Hi")])

    assert text == "Chat on 05 Jan 2021 07:03:\n\n[07:03, Agent]: Hi"


def test_a_chat_without_messages_is_the_header_and_an_empty_line() -> None:
    assert format_transcript(datetime(2020, 12, 31, 23, 59), []) == "Chat on 31 Dec 2020 23:59:\n"


@pytest.fixture
def non_english_time_locale() -> Iterator[str]:
    previous = locale.setlocale(locale.LC_TIME)
    for name in NON_ENGLISH_LOCALES:
        try:
            locale.setlocale(locale.LC_TIME, name)
        except locale.Error:
            continue
        try:
            yield name
        finally:
            locale.setlocale(locale.LC_TIME, previous)
        return
    pytest.skip(f"none of {', '.join(NON_ENGLISH_LOCALES)} is installed")


@pytest.mark.parametrize("month", range(1, 13))
def test_month_names_stay_english_under_a_non_english_time_locale(non_english_time_locale: str, month: int) -> None:
    english = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

    header = format_transcript(datetime(2020, month, 29, 9, 0), []).splitlines()[0]

    assert header == f"Chat on 29 {english[month - 1]} 2020 09:00:"


def test_the_seed_chat_still_says_sep_under_a_non_english_time_locale(non_english_time_locale: str) -> None:
    handle_start, lines, expected = SEED_CHATS[1]

    assert format_transcript(handle_start, lines) == expected


def test_whole_seconds_between_counts_every_day_of_a_long_span() -> None:
    start = datetime(2020, 9, 29, 9, 0, 20, 540957)
    end = start + timedelta(days=2, hours=3, seconds=7, microseconds=999999)

    assert whole_seconds_between(start, end) == 2 * 86400 + 3 * 3600 + 7


def test_whole_seconds_between_rounds_down() -> None:
    start = datetime(2020, 9, 29, 9, 0, 20, 540957)

    assert whole_seconds_between(start, start + timedelta(microseconds=999999)) == 0
    assert whole_seconds_between(start, datetime(2020, 9, 29, 9, 4, 20)) == 239


def test_build_transcript_computes_handling_seconds_from_handle_end() -> None:
    handle_start, lines, expected = SEED_CHATS[1]

    transcript = build_transcript(1, "Customer A", handle_start, at(9, 5, 0), lines)

    assert transcript == Transcript(
        chat_id=1,
        customer_name="Customer A",
        handle_start=handle_start,
        handle_end=at(9, 5, 0),
        handling_seconds=279,
        text=expected,
    )


def test_a_chat_still_in_progress_has_no_handling_seconds() -> None:
    handle_start, lines, expected = SEED_CHATS[2]

    transcript = build_transcript(2, "Customer B", handle_start, None, lines)

    assert transcript.handle_end is None
    assert transcript.handling_seconds is None
    assert transcript.text == expected


def test_absolutely_class_airlines_adds_exactly_one_last_line(tmp_path: Path) -> None:
    handle_start, lines, expected = SEED_CHATS[1]
    transcript = build_transcript(1, "Customer A", handle_start, handle_start + timedelta(seconds=300.9), lines)

    rendered = AbsolutelyClassAirlinesIntegration(tmp_path).render(transcript)

    assert rendered == expected + "\nThis chat took 300 seconds to handle."
    assert rendered.splitlines()[:-1] == expected.splitlines()


def test_absolutely_class_airlines_previews_a_chat_in_progress_without_the_last_line(tmp_path: Path) -> None:
    handle_start, lines, expected = SEED_CHATS[2]
    transcript = build_transcript(2, "Customer B", handle_start, None, lines)

    assert AbsolutelyClassAirlinesIntegration(tmp_path).render(transcript) == expected


def test_savage_rentals_receives_the_transcript_text_unchanged() -> None:
    handle_start, lines, expected = SEED_CHATS[4]
    transcript = build_transcript(4, "Customer D", handle_start, at(9, 2), lines)

    assert SavageRentalsIntegration("https://crm.example/transcripts").render(transcript) == expected
