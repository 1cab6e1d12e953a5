"""Per-agent, per-day totals of handled chats, kept by the database in the same transaction as each change.

Triggers on chats add a chat to its agent's day when it becomes handled (ended by Arthur, by this app, or
inserted already ended) and take it away when it is changed or deleted, so the totals are right whoever
writes the chats. A schema revision (services.storage.migrations) creates them and builds the totals.
"""

from __future__ import annotations

from sqlalchemy import Connection, Executable, delete, func, insert, select, text

from services.results import TimeWindow
from services.storage.handled_chats import HANDLING_MS, handled_in
from services.storage.models import AgentDayTotal, Chat
from services.storage.sql_time import utc_day
from services.storage.trigger_switch import disable_triggers, enable_postgres_triggers


def _sqlite_remove(row: str) -> str:
    handled = f"{row}.user_id IS NOT NULL AND {row}.handling_seconds IS NOT NULL"
    key = f"user_id = {row}.user_id AND day = date({row}.handle_end)"
    return (
        "UPDATE agent_day_totals SET chats_handled = chats_handled - 1, "
        f"handling_ms = handling_ms - CAST(round({row}.handling_seconds * 1000) AS INTEGER) WHERE {handled} AND {key}; "
        f"DELETE FROM agent_day_totals WHERE {handled} AND {key} AND chats_handled = 0; "
        f""
    )


def _sqlite_add(row: str) -> str:
    return (
        "INSERT INTO agent_day_totals (user_id, day, chats_handled, handling_ms) "
        f"SELECT {row}.user_id, date({row}.handle_end), 1, CAST(round({row}.handling_seconds * 1000) AS INTEGER) "
        f"WHERE {row}.user_id IS NOT NULL AND {row}.handling_seconds IS NOT NULL "
        "ON CONFLICT (user_id, day) DO UPDATE SET chats_handled = chats_handled + 1, "
        "handling_ms = handling_ms + excluded.handling_ms; "
    )


_SQLITE_TRIGGERS = {
    "agent_day_totals_insert": f"AFTER INSERT ON chats BEGIN {_sqlite_add('new')}END",
    "agent_day_totals_delete": f"AFTER DELETE ON chats BEGIN {_sqlite_remove('old')}END",
    "agent_day_totals_update": "AFTER UPDATE OF user_id, handle_start, handle_end ON chats "
    f"BEGIN {_sqlite_remove('old')}{_sqlite_add('new')}END",
}
_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION agent_day_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.user_id IS NOT NULL AND OLD.handling_seconds IS NOT NULL THEN
        UPDATE agent_day_totals
        SET chats_handled = chats_handled - 1, handling_ms = handling_ms - round(OLD.handling_seconds * 1000)::bigint
        WHERE user_id = OLD.user_id AND day = OLD.handle_end::date;
        DELETE FROM agent_day_totals
        WHERE user_id = OLD.user_id AND day = OLD.handle_end::date AND chats_handled = 0;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.user_id IS NOT NULL AND NEW.handling_seconds IS NOT NULL THEN
        INSERT INTO agent_day_totals (user_id, day, chats_handled, handling_ms)
        VALUES (NEW.user_id, NEW.handle_end::date, 1, round(NEW.handling_seconds * 1000)::bigint)
        ON CONFLICT (user_id, day) DO UPDATE
        SET chats_handled = agent_day_totals.chats_handled + 1,
            handling_ms = agent_day_totals.handling_ms + excluded.handling_ms;
    END IF;
    RETURN NULL;
END $$
"""
_POSTGRES_TRIGGERS = {
    "agent_day_totals_follow": "CREATE OR REPLACE TRIGGER agent_day_totals_follow "
    "AFTER INSERT OR DELETE OR UPDATE OF user_id, handle_start, handle_end ON chats "
    "FOR EACH ROW EXECUTE FUNCTION agent_day_totals_follow()",
    # TRUNCATE fires no row triggers.
    "agent_day_totals_truncate": "CREATE OR REPLACE TRIGGER agent_day_totals_truncate "
    "AFTER TRUNCATE ON chats FOR EACH STATEMENT EXECUTE FUNCTION agent_day_totals_clear()",
}
_POSTGRES_CLEAR_FUNCTION = """
CREATE OR REPLACE FUNCTION agent_day_totals_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM agent_day_totals;
    RETURN NULL;
END $$
"""


_BULK_LOAD_SWITCHED = (("chats", "agent_day_totals_follow"),)  # the clear-on-TRUNCATE trigger stays


def suspend_day_totals(connection: Connection) -> None:
    """For a bulk load: no trigger call per chat, one rebuild at the end (resume_day_totals, in the same
    transaction). PostgreSQL disables the trigger, which keeps readers unblocked (DROP TRIGGER would not)."""
    disable_triggers(connection, _BULK_LOAD_SWITCHED, _SQLITE_TRIGGERS)


def resume_day_totals(connection: Connection) -> None:
    """PostgreSQL's functions stay as the migrations left them (owned, with the owner's rights)."""
    if connection.dialect.name == "postgresql":
        enable_postgres_triggers(connection, _BULK_LOAD_SWITCHED)
        for statement in rebuild_day_totals():
            connection.execute(statement)
        return
    install_day_totals(connection)


def install_day_totals(connection: Connection) -> None:
    """Create the triggers and rebuild the totals from the chats; call it inside a transaction."""
    for trigger in day_total_triggers(connection.dialect.name):
        connection.execute(text(trigger))
    for statement in rebuild_day_totals():
        connection.execute(statement)


def day_total_triggers(dialect: str) -> list[str]:
    """The functions and triggers that keep the totals (services.storage.migrations creates them)."""
    if dialect == "postgresql":
        return [_POSTGRES_FUNCTION, _POSTGRES_CLEAR_FUNCTION, *_POSTGRES_TRIGGERS.values()]
    return [f"CREATE TRIGGER IF NOT EXISTS {name} {body}" for name, body in _SQLITE_TRIGGERS.items()]


def rebuild_day_totals() -> list[Executable]:
    """The totals worked out again from the chats."""
    day = utc_day(Chat.handle_end)
    return [
        delete(AgentDayTotal),
        insert(AgentDayTotal).from_select(
            ["user_id", "day", "chats_handled", "handling_ms"],
            select(Chat.user_id, day, func.count(), func.sum(HANDLING_MS))
            .where(handled_in(TimeWindow()))
            .group_by(Chat.user_id, day),
        ),
    ]
