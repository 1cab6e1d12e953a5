"""Users (agents)."""

from __future__ import annotations

from services.errors import UnknownUser
from services.results import UserInfo
from services.storage.models import User
from services.storage.unit_of_work import UnitOfWork


def get_user(uow: UnitOfWork, user_id: int) -> UserInfo:
    with uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise UnknownUser(user_id)
        return UserInfo(user.user_id, user.name)
