"""Helpers shared by tests: the seed's timestamps and a way to add chats."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert

from services.clock import utc_now
from services.storage.database import Database
from services.storage.models import Chat, Message, User

SEED_DAY = datetime(2020, 9, 29, 9, 0, 20, 540957)


def add_user(database: Database, name: str) -> int:
    with database.unit_of_work() as uow:
        user = User(name=name)
        uow.session.add(user)
        uow.session.flush()
        user_id = user.user_id
        uow.commit()
    return user_id


def add_chat(
    database: Database,
    *,
    user_id: int | None,
    start: datetime | None,
    seconds: float | None,
    customer: str = "Customer",
    messages: int = 0,
) -> int:
    """A chat picked up at start and ended after seconds (None: still in progress)."""
    end = None if start is None or seconds is None else start + timedelta(seconds=seconds)
    with database.unit_of_work() as uow:
        chat = Chat(
            created=(start or SEED_DAY) - timedelta(minutes=1),
            customer_name=customer,
            user_id=user_id,
            handle_start=start,
            handle_end=end,
        )
        uow.session.add(chat)
        uow.session.flush()
        if messages:
            uow.session.execute(
                insert(Message),
                [
                    {"chat_id": chat.chat_id, "text": f"message {i}", "user_id": None, "sent_at": SEED_DAY}
                    for i in range(messages)
                ],
            )
        chat_id = chat.chat_id
        uow.commit()
    return chat_id


def add_recent_chat(
    database: Database,
    customer: str,
    *,
    waited: float,
    running: float | None = None,
    user_id: int | None = None,
) -> int:
    """A chat created waited seconds ago; picked up running seconds ago (None: still waiting)."""
    now = utc_now()
    chat = Chat(
        created=now - timedelta(seconds=waited),
        customer_name=customer,
        user_id=user_id,
        handle_start=None if running is None else now - timedelta(seconds=running),
        handle_end=None,
    )
    with database.unit_of_work() as uow:
        uow.session.add(chat)
        uow.session.flush()
        chat_id = chat.chat_id
        uow.commit()
    return chat_id
