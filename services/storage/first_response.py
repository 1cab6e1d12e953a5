"""Each chat's first response time, kept in chats.first_response_seconds by the database itself.

First response: the sent_at of the chat's first agent message minus the sent_at of the first customer message
before it, or minus handle_start when the agent wrote first; none when no agent wrote. "First" is the order of
the transcript (sent_at, then message_id); messages without a sent_at are left out. It depends on other rows
than the chat's own, so triggers on messages (a message added, changed or removed, by whichever program) and
on chats (handle_start changed) work it out again for that chat, in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import Connection, literal_column, text
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.dialects.sqlite.base import SQLiteDialect

from services.storage.sql_time import seconds_between
from services.storage.trigger_switch import disable_triggers, enable_postgres_triggers

_FIRST_MESSAGE = (
    "(SELECT {seconds} FROM messages f WHERE f.chat_id = {chat} AND f.sent_at IS NOT NULL "
    "ORDER BY f.sent_at, f.message_id LIMIT 1)"
)
_FIRST_AGENT_MESSAGE = (
    "(SELECT a.sent_at FROM messages a WHERE a.chat_id = {chat} AND a.user_id IS NOT NULL AND a.sent_at IS NOT NULL "
    "ORDER BY a.sent_at, a.message_id LIMIT 1)"
)


def first_response_sql(dialect: str, chat: str, start: str) -> str:
    """The first response of chat (an SQL expression naming its id) picked up at start, in seconds or NULL."""
    agent = _FIRST_AGENT_MESSAGE.format(chat=chat)
    asked = f"CASE WHEN f.user_id IS NULL THEN f.sent_at ELSE {start} END"
    return _FIRST_MESSAGE.format(chat=chat, seconds=_seconds_between(dialect, asked, agent))


def _seconds_between(dialect: str, start: str, end: str) -> str:
    compiled_for = PGDialect() if dialect == "postgresql" else SQLiteDialect()  # type: ignore[no-untyped-call]
    expression = seconds_between(literal_column(start), literal_column(end))
    return str(expression.compile(dialect=compiled_for))


def _recompute(dialect: str, chats: str) -> str:
    """Set the first response of the chats whose ids are listed (SQL), writing only where it changed."""
    value = first_response_sql(dialect, "chats.chat_id", "chats.handle_start")
    different = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    return (
        f"UPDATE chats SET first_response_seconds = {value} "
        f"WHERE chat_id IN ({chats}) AND first_response_seconds {different} {value}"
    )


def _sqlite_triggers() -> dict[str, str]:
    return {
        "first_response_message_insert": f"AFTER INSERT ON messages BEGIN {_recompute('sqlite', 'new.chat_id')}; END",
        "first_response_message_delete": f"AFTER DELETE ON messages BEGIN {_recompute('sqlite', 'old.chat_id')}; END",
        "first_response_message_update": "AFTER UPDATE OF chat_id, user_id, sent_at ON messages BEGIN "
        f"{_recompute('sqlite', 'old.chat_id, new.chat_id')}; END",
        # A chat written after its messages (another program, without foreign keys), or picked up again.
        "first_response_chat_insert": f"AFTER INSERT ON chats BEGIN {_recompute('sqlite', 'new.chat_id')}; END",
        "first_response_chat_update": "AFTER UPDATE OF handle_start ON chats "
        f"WHEN old.handle_start IS NOT new.handle_start BEGIN {_recompute('sqlite', 'new.chat_id')}; END",
    }


def _postgres_statements() -> dict[str, str]:
    own = first_response_sql("postgresql", "NEW.chat_id", "NEW.handle_start")
    return {
        "first_response_of_chat": f"""
CREATE OR REPLACE FUNCTION first_response_of_chat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.first_response_seconds := {own};
    RETURN NEW;
END $$""",
        "first_response_of_messages": f"""
CREATE OR REPLACE FUNCTION first_response_of_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE chats SET first_response_seconds = NULL WHERE first_response_seconds IS NOT NULL;
    ELSIF TG_OP = 'INSERT' THEN
        {_recompute("postgresql", "NEW.chat_id")};
    ELSIF TG_OP = 'DELETE' THEN
        {_recompute("postgresql", "OLD.chat_id")};
    ELSE
        {_recompute("postgresql", "OLD.chat_id, NEW.chat_id")};
    END IF;
    RETURN NULL;
END $$""",
        "first_response_chat": "CREATE OR REPLACE TRIGGER first_response_chat "
        "BEFORE INSERT OR UPDATE OF handle_start ON chats FOR EACH ROW EXECUTE FUNCTION first_response_of_chat()",
        "first_response_messages": "CREATE OR REPLACE TRIGGER first_response_messages "
        "AFTER INSERT OR DELETE OR UPDATE OF chat_id, user_id, sent_at ON messages "
        "FOR EACH ROW EXECUTE FUNCTION first_response_of_messages()",
        "first_response_messages_truncate": "CREATE OR REPLACE TRIGGER first_response_messages_truncate "
        "AFTER TRUNCATE ON messages FOR EACH STATEMENT EXECUTE FUNCTION first_response_of_messages()",
    }


_POSTGRES_TRIGGERS = ("first_response_chat", "first_response_messages", "first_response_messages_truncate")
_POSTGRES_TABLES = {"first_response_chat": "chats"}


def install_first_response(connection: Connection, *, rebuild: bool = True) -> None:
    """Create the triggers and work out every chat's first response (unless rebuild is False: a bulk load that
    wrote them); call it inside a transaction."""
    for statement in first_response_triggers(connection.dialect.name):
        connection.execute(text(statement))
    if rebuild:
        rebuild_first_responses(connection)


def first_response_triggers(dialect: str) -> list[str]:
    """The functions and triggers that keep the first responses (services.storage.migrations creates them)."""
    if dialect == "postgresql":
        return list(_postgres_statements().values())
    return [f"CREATE TRIGGER IF NOT EXISTS {name} {body}" for name, body in _sqlite_triggers().items()]


def first_responses_worked_out(dialect: str) -> str:
    """Every chat's first response, worked out from its messages."""
    value = first_response_sql(dialect, "chats.chat_id", "chats.handle_start")
    return f"UPDATE chats SET first_response_seconds = {value}"


def rebuild_first_responses(connection: Connection) -> None:
    connection.execute(text(first_responses_worked_out(connection.dialect.name)))


def _postgres_triggers() -> list[tuple[str, str]]:
    return [(_POSTGRES_TABLES.get(name, "messages"), name) for name in _POSTGRES_TRIGGERS]


def suspend_first_response(connection: Connection) -> None:
    """For a bulk load: no trigger call per row; resume_first_response works every chat out once, at the end."""
    disable_triggers(connection, _postgres_triggers(), _sqlite_triggers())


def resume_first_response(connection: Connection, *, rebuild: bool = True) -> None:
    """PostgreSQL's functions stay as the migrations left them (owned, with the owner's rights)."""
    if connection.dialect.name != "postgresql":
        install_first_response(connection, rebuild=rebuild)
        return
    enable_postgres_triggers(connection, _postgres_triggers())
    if rebuild:
        rebuild_first_responses(connection)
