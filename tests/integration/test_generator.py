"""The synthetic data generator, on both engines, at a small size."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from seed_data import add_chat, add_user
from services.chats import list_chats
from services.database import open_database
from services.performance import agent_performance
from services.results import ChatFilter, ChatStatus
from services.sample_data.generator import DatabaseNotEmpty, GenerationPlan, generate
from services.storage.database import Database
from services.storage.models import AgentDayTotal, Chat, Message, User

NOW = datetime(2026, 6, 1, 12, 0)


@pytest.fixture
def empty_database(database_url: str) -> Database:
    return open_database(database_url, create_and_seed=False)


def count(database: Database, model: type) -> int:
    with database.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_new_database_gets_tables_and_only_the_synthetic_rows(empty_database: Database) -> None:
    summary = generate(empty_database, GenerationPlan(agents=7, chats=3_000, messages_per_chat=4), now=NOW)

    assert (summary.agents, summary.chats, summary.messages) == (7, 3_000, 12_000)
    assert (count(empty_database, User), count(empty_database, Chat), count(empty_database, Message)) == (
        7,
        3_000,
        12_000,
    )
    empty_database.dispose()


def test_the_chats_are_realistic(empty_database: Database) -> None:
    generate(empty_database, GenerationPlan(agents=10, chats=4_000, messages_per_chat=6), now=NOW)
    uow = empty_database.unit_of_work

    statuses = {s: len(list_chats(uow(), ChatFilter(status=s), limit=4_000).chats) for s in ChatStatus}
    with uow() as unit:
        chats = unit.session.scalars(select(Chat)).all()
        durations = [(c.handle_end - c.handle_start).total_seconds() for c in chats if c.handle_end and c.handle_start]
        assert all(c.created is not None and NOW - timedelta(days=366) <= c.created <= NOW for c in chats)
        assert all(c.handle_start is None or (c.created is not None and c.handle_start >= c.created) for c in chats)
        assert len({c.customer_name for c in chats}) > 500
    performance = agent_performance(uow())

    assert statuses[ChatStatus.ENDED] > 3_800
    assert statuses[ChatStatus.WAITING] > 0 and statuses[ChatStatus.IN_PROGRESS] > 0
    assert min(durations) >= 5 and max(durations) > 3_600 and sorted(durations)[len(durations) // 2] < 900
    assert sum(p.chats_handled for p in performance) == statuses[ChatStatus.ENDED]
    empty_database.dispose()


def test_open_chats_are_recent_and_agents_answer_in_turn(empty_database: Database) -> None:
    """A waiting or in-progress chat began within the last two hours (a year-old open chat would be absurd);
    in a chat with an agent, customer and agent take turns, the customer first."""
    generate(empty_database, GenerationPlan(agents=5, chats=3_000, messages_per_chat=4), now=NOW)

    with empty_database.unit_of_work() as uow:
        open_created = uow.session.scalars(select(Chat.created).where(Chat.handle_end.is_(None))).all()
        first_chat = uow.session.scalars(select(Chat).where(Chat.user_id.is_not(None)).order_by(Chat.chat_id)).first()
        assert first_chat is not None
        speakers = uow.session.scalars(
            select(Message.user_id).where(Message.chat_id == first_chat.chat_id).order_by(Message.message_id)
        ).all()
        agent = first_chat.user_id
    empty_database.dispose()

    assert open_created
    assert all(created is not None and NOW - timedelta(hours=2) <= created <= NOW for created in open_created)
    assert speakers == [None, agent, None, agent]


def test_the_day_totals_of_a_bulk_load_equal_its_chats(database: Database) -> None:
    generate(database, GenerationPlan(agents=5, chats=2_000, messages_per_chat=1), append=True, now=NOW)

    with database.engine.connect() as connection:
        totals = connection.execute(
            select(func.sum(AgentDayTotal.chats_handled), func.sum(AgentDayTotal.handling_ms))
        ).one()
        chats = connection.execute(
            select(func.count(), func.sum(func.round(Chat.handling_seconds * 1000))).where(
                Chat.user_id.is_not(None), Chat.handling_seconds.is_not(None)
            )
        ).one()
    assert (totals[0], int(totals[1])) == (chats[0], int(chats[1]))
    assert chats[0] > 1_500


def test_a_failed_bulk_load_leaves_the_day_totals_triggers_in_place(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> list[object]:
        raise RuntimeError("disk full")

    monkeypatch.setattr("services.sample_data.generator.ChatFactory.messages", broken)
    with pytest.raises(RuntimeError):
        generate(database, GenerationPlan(agents=1, chats=10, messages_per_chat=1), append=True, now=NOW)
    with database.engine.begin() as connection:  # another system ends Test User 1's chat in progress
        connection.execute(
            update(Chat)
            .where(Chat.handle_end.is_(None), Chat.handle_start.is_not(None))
            .values(handle_end=datetime(2020, 9, 29, 12, 0))
        )

    rows = agent_performance(database.unit_of_work())
    assert (count(database, User), count(database, Chat)) == (3, 6)
    assert rows[0].chats_handled == 2


def test_a_database_holding_chats_is_refused_unless_appending(database: Database) -> None:
    with pytest.raises(DatabaseNotEmpty, match="--append"):
        generate(database, GenerationPlan(agents=2, chats=10, messages_per_chat=1), now=NOW)
    assert count(database, Chat) == 6

    generate(database, GenerationPlan(agents=2, chats=10, messages_per_chat=1), append=True, now=NOW)

    assert (count(database, User), count(database, Chat), count(database, Message)) == (5, 16, 23)


def test_appending_twice_adds_different_chats_and_new_ids_still_work(database: Database) -> None:
    plan = GenerationPlan(agents=1, chats=50, messages_per_chat=2)
    generate(database, plan, append=True, now=NOW)
    generate(database, plan, append=True, now=NOW)

    hired = add_user(database, "Hired Today")  # the ids the generator wrote explicitly do not come again
    first_chat = add_chat(database, user_id=hired, start=NOW, seconds=90, customer="First Customer")

    with database.unit_of_work() as uow:
        created = uow.session.scalars(select(Chat.created).where(Chat.chat_id > 6).order_by(Chat.chat_id)).all()
    assert created[:50] != created[50:]
    assert (hired, first_chat) == (3 + 2 + 1, 6 + 100 + 1)
    performance = {p.user_id: (p.name, p.chats_handled) for p in agent_performance(database.unit_of_work())}
    assert performance[hired] == ("Hired Today", 1)
