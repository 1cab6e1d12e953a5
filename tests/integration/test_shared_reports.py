"""The reports a team's desktops share (services.shared_reports) on a real PostgreSQL, as two desktops see them.

Another program changes the chats between the two desktops' reads, so a figure shows whether a desktop worked its
report out or read the one kept by the other; the statements each desktop runs show it too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import event, text

from seed_data import SEED_DAY, add_chat
from services.database import open_database
from services.distribution import handling_time_distribution
from services.floor_results import ServiceLevelTarget
from services.floor_summary import floor_summary
from services.performance import agent_performance
from services.results import AgentPerformance
from services.shared_reports import (
    LEASE_SECONDS,
    reuse_seconds_for,
    shared_agent_performance,
    shared_distribution,
    shared_floor_summary,
)
from services.storage.database import Database, connect

REUSE = 15.0
PERFORMANCE_KEY = "agent_performance|1|open/open"


@pytest.fixture
def other_desktop(postgres_database: Database) -> Iterator[Database]:
    database = connect(postgres_database.engine.url.render_as_string(hide_password=False))
    yield database
    database.dispose()


def statements_of(database: Database) -> list[str]:
    """Every statement the desktop sends from now on."""
    sent: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    return sent


def in_progress(rows: list[Any]) -> int:
    return sum(row.chats_in_progress for row in rows)


def end_every_chat_in_progress(database: Database) -> None:
    """Another program (no notice, no desktop): every chat in progress ends."""
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE chats SET handle_end = handle_start + interval '5 minutes' "
                "WHERE handle_start IS NOT NULL AND handle_end IS NULL"
            )
        )


def keep_a_report_then_end_the_chats_in_progress(database: Database) -> list[AgentPerformance]:
    """One chat in progress at least, the performance table kept for the others, then every such chat ended."""
    add_chat(database, user_id=1, start=SEED_DAY, seconds=None)
    kept = shared_agent_performance(database, None, REUSE)
    end_every_chat_in_progress(database)
    return kept


def kept_row(database: Database, key: str = PERFORMANCE_KEY) -> Any:
    with database.engine.connect() as connection:
        return connection.execute(text("SELECT * FROM shared_reports WHERE report = :k"), {"k": key}).one_or_none()


def age_the_kept_reports(database: Database, seconds: float, *, claimed_for: float | None = None) -> None:
    """The kept reports made older by seconds; claimed by a desktop for claimed_for more seconds (None: by none)."""
    claim = "NULL" if claimed_for is None else "(now() AT TIME ZONE 'UTC') + make_interval(secs => :claim)"
    older = f"UPDATE shared_reports SET computed_at = computed_at - make_interval(secs => :s), working_until = {claim}"
    with database.engine.begin() as connection:
        connection.execute(text(older), {"s": seconds, "claim": claimed_for})


@pytest.mark.postgres
def test_the_second_desktop_reads_the_report_the_first_kept_until_it_asks_for_now(
    postgres_database: Database, other_desktop: Database
) -> None:
    add_chat(postgres_database, user_id=1, start=SEED_DAY, seconds=None)
    first = shared_agent_performance(postgres_database, None, REUSE)
    assert in_progress(first) >= 1 and first == agent_performance(postgres_database.unit_of_work())
    end_every_chat_in_progress(postgres_database)
    sent = statements_of(other_desktop)

    shared = shared_agent_performance(other_desktop, None, REUSE)

    assert shared == first  # the chats ended since do not show: the kept report was read
    assert len(sent) == 1 and "shared_reports" in sent[0]  # and nothing added up
    now = shared_agent_performance(other_desktop, None, 0)  # F5, End chat: the figures as they are now
    assert in_progress(now) == 0 and now == agent_performance(other_desktop.unit_of_work())
    assert shared_agent_performance(postgres_database, None, REUSE) == now  # and kept for the first


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("shared", "alone"),
    [
        (lambda db, reuse: shared_agent_performance(db, None, reuse), lambda db: agent_performance(db.unit_of_work())),
        (
            lambda db, reuse: shared_floor_summary(db, None, ServiceLevelTarget(), reuse, now=SEED_DAY),
            lambda db: floor_summary(db.unit_of_work(), None, ServiceLevelTarget(), now=SEED_DAY),
        ),
        (
            lambda db, reuse: shared_distribution(db, None, reuse),
            lambda db: handling_time_distribution(db.unit_of_work()),
        ),
    ],
    ids=["performance", "summary", "distribution"],
)
def test_each_report_comes_back_from_the_kept_text_as_it_was_worked_out(
    postgres_database: Database,
    other_desktop: Database,
    shared: Callable[[Database, float], object],
    alone: Callable[[Database], object],
) -> None:
    add_chat(postgres_database, user_id=2, start=SEED_DAY, seconds=95.5)
    worked_out = shared(postgres_database, 0)
    sent = statements_of(other_desktop)

    assert worked_out == alone(postgres_database)
    assert shared(other_desktop, REUSE) == worked_out
    assert len(sent) == 1


@pytest.mark.postgres
def test_a_report_older_than_the_reuse_is_worked_out_again_by_one_desktop(
    postgres_database: Database, other_desktop: Database
) -> None:
    keep_a_report_then_end_the_chats_in_progress(postgres_database)
    age_the_kept_reports(postgres_database, REUSE + 1)

    again = shared_agent_performance(other_desktop, None, REUSE)

    assert in_progress(again) == 0
    row = kept_row(postgres_database)
    assert row.working_until is None  # the claim ended with the work
    assert shared_agent_performance(postgres_database, None, REUSE) == again


@pytest.mark.postgres
def test_while_another_desktop_works_it_out_the_one_before_is_shown(
    postgres_database: Database, other_desktop: Database
) -> None:
    before = keep_a_report_then_end_the_chats_in_progress(postgres_database)
    age_the_kept_reports(postgres_database, REUSE + 1, claimed_for=LEASE_SECONDS / 2)
    sent = statements_of(other_desktop)

    assert shared_agent_performance(other_desktop, None, REUSE) == before
    assert all("chats" not in statement for statement in sent)  # nothing added up meanwhile

    age_the_kept_reports(postgres_database, 0, claimed_for=-1)  # that desktop went away: its claim ran out
    assert in_progress(shared_agent_performance(other_desktop, None, REUSE)) == 0


@pytest.mark.postgres
def test_a_report_too_old_to_show_is_worked_out_even_while_claimed(
    postgres_database: Database, other_desktop: Database
) -> None:
    keep_a_report_then_end_the_chats_in_progress(postgres_database)
    age_the_kept_reports(postgres_database, REUSE + LEASE_SECONDS + 1, claimed_for=LEASE_SECONDS / 2)

    assert in_progress(shared_agent_performance(other_desktop, None, REUSE)) == 0


@pytest.mark.postgres
@pytest.mark.parametrize(
    "payload",
    [
        "not JSON",
        "{}",
        '[[1, "Test User 1", 1]]',  # too few values
        '[["1", "Test User 1", 1, 0, null, null, null, null, null, null]]',  # a text where a number belongs
        '[[1, "Test User 1", true, 0, null, null, null, null, null, null]]',
        '[[1, "Test User 1", 1.5, 0, null, null, null, null, null, null]]',  # a fraction of a chat
        '[[1, ["a"], 1, 0, null, null, null, null, null, null]]',
    ],
)
def test_a_kept_report_another_program_wrote_is_worked_out_again_and_replaced(
    postgres_database: Database, payload: str, caplog: pytest.LogCaptureFixture
) -> None:
    with postgres_database.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO shared_reports (report, computed_at, payload) VALUES (:k, now() AT TIME ZONE 'UTC', :p)"),
            {"k": PERFORMANCE_KEY, "p": payload},
        )

    with caplog.at_level(logging.WARNING, logger="services.shared_reports"):
        rows = shared_agent_performance(postgres_database, None, REUSE)

    assert rows == agent_performance(postgres_database.unit_of_work())
    assert kept_row(postgres_database).payload != payload


@pytest.mark.postgres
def test_a_kept_report_dated_in_the_future_or_claimed_for_ever_does_not_stick(postgres_database: Database) -> None:
    shared_agent_performance(postgres_database, None, REUSE)
    add_chat(postgres_database, user_id=1, start=SEED_DAY, seconds=None)
    for reuse in (0, REUSE):  # F5, and the automatic refresh
        with postgres_database.engine.begin() as connection:
            connection.execute(
                text("UPDATE shared_reports SET computed_at = '2999-01-01', working_until = '2999-01-01'")
            )

        rows = shared_agent_performance(postgres_database, None, reuse)

        assert rows == agent_performance(postgres_database.unit_of_work())
        kept = kept_row(postgres_database)
        assert kept.computed_at.year < 2999
    assert kept.working_until is None


def test_sqlite_works_every_report_out_and_keeps_none(sqlite_url: str) -> None:
    database = open_database(sqlite_url)
    try:
        assert shared_agent_performance(database, None, REUSE) == agent_performance(database.unit_of_work())
        with database.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM shared_reports")).scalar_one() == 0
    finally:
        database.dispose()


def test_an_automatic_refresh_reuses_reports_for_half_its_interval_at_most_a_minute() -> None:
    assert (reuse_seconds_for(30), reuse_seconds_for(0), reuse_seconds_for(3600)) == (15.0, 0.0, 60.0)


@pytest.mark.postgres
def test_a_desktop_never_waits_for_another_that_is_claiming_or_keeping_the_report(
    postgres_database: Database, other_desktop: Database
) -> None:
    before = keep_a_report_then_end_the_chats_in_progress(postgres_database)
    age_the_kept_reports(postgres_database, REUSE + 1)
    with postgres_database.engine.connect() as holder, ThreadPoolExecutor(1) as pool:
        holder.execute(text("SELECT 1 FROM shared_reports WHERE report = :k FOR UPDATE"), {"k": PERFORMANCE_KEY})
        try:
            shown = pool.submit(shared_agent_performance, other_desktop, None, REUSE).result(timeout=3)
        finally:
            holder.rollback()  # another desktop's claim or store, committed at last

    assert shown == before  # not claimed here: the one before, meanwhile


@pytest.mark.postgres
def test_while_f5_works_a_report_out_the_others_show_the_one_before(
    postgres_database: Database, other_desktop: Database
) -> None:
    before = keep_a_report_then_end_the_chats_in_progress(postgres_database)
    age_the_kept_reports(postgres_database, REUSE + 1)  # stale: the next automatic refresh would work it out
    with other_desktop.engine.connect() as holder, ThreadPoolExecutor(1) as pool:
        # F5 on the first desktop, held in the middle of adding up by a lock another program holds
        holder.execute(text("LOCK TABLE agent_value_buckets IN ACCESS EXCLUSIVE MODE"))
        pressed = pool.submit(shared_agent_performance, postgres_database, None, 0)
        try:
            wait_for_claim(postgres_database)
            sent = statements_of(other_desktop)
            shown = shared_agent_performance(other_desktop, None, REUSE)
        finally:
            holder.rollback()
        worked_out = pressed.result(timeout=10)

    assert shown == before  # the one before, meanwhile
    assert all("chats" not in statement for statement in sent)  # nothing added up twice
    assert in_progress(worked_out) == 0
    assert kept_row(postgres_database).working_until is None  # the claim ended with the work
    assert shared_agent_performance(other_desktop, None, REUSE) == worked_out


def wait_for_claim(database: Database, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while kept_row(database).working_until is None:
        assert time.monotonic() < deadline, "the work was never claimed"
        time.sleep(0.02)
