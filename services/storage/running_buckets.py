"""Running duration buckets per agent: for each agent, measure (wait, first response, handling time) and UTC day,
the agent's chats of that measure on or before that day — how many, their total, and how many lie under each
bucket bound (services.storage.value_buckets). Kept by the database in the same transaction as each change of a
chat, whoever writes it, as the other totals are (services.storage.floor_totals).

A time window's counts per agent are then two rows, whatever the window's length: the row of the window's last
whole day less the row of the day before its first (plus the part-days at its edges). They name the bucket
holding an agent's middle chat, and the median is a seek inside that bucket instead of a sort of every chat of
the window (services.agent_figures). Per agent and day there are only a handful of chats, so totals per day
would be about as many rows as the chats themselves; running totals are not.

A chat counts on the UTC day of created (wait, first response) or of handle_end (handling time), when it has an
agent and the times the measure needs. A row exists for each day on which the agent has such chats: adding a
chat copies the day before's row if the day has none yet, then adds the chat to that day's row and every later
one; removing it takes it away from them and drops the day's row when no chat is left on that day, so the table
always equals a rebuild from the chats.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from services.storage.trigger_switch import disable_triggers, enable_postgres_triggers
from services.storage.value_buckets import BOUNDS, Measure

TABLE = "agent_running_buckets"
UNDER = tuple(f"under_{bound}" for bound in BOUNDS)
_COUNTS = ("chats", "total_ms", *UNDER)


@dataclass(frozen=True)
class _Followed:
    measure: Measure
    value: str
    time: str
    condition: str  # {r}: the chat


_MEASURES = (
    _Followed(Measure.WAIT, "wait_seconds", "created", "{r}.user_id IS NOT NULL AND {r}.wait_seconds IS NOT NULL"),
    _Followed(
        Measure.FIRST_RESPONSE,
        "first_response_seconds",
        "created",
        "{r}.user_id IS NOT NULL AND {r}.first_response_seconds IS NOT NULL AND {r}.created IS NOT NULL",
    ),
    _Followed(
        Measure.HANDLING,
        "handling_seconds",
        "handle_end",
        "{r}.user_id IS NOT NULL AND {r}.handling_seconds IS NOT NULL",
    ),
)
# The columns each trigger follows: a change of any of them may move the chat to another row or value.
_GROUPS = {
    "created": (("user_id", "created", "handle_start", "first_response_seconds"), _MEASURES[:2]),
    "handled": (("user_id", "handle_start", "handle_end"), _MEASURES[2:]),
}


def _day(dialect: str, expression: str) -> str:
    return f"date({expression})" if dialect == "sqlite" else f"CAST({expression} AS DATE)"


def _milliseconds(dialect: str, value: str) -> str:
    return f"CAST(round({value} * 1000) AS {'BIGINT' if dialect == 'postgresql' else 'INTEGER'})"


def _under(value: str, bound: int) -> str:
    return f"CASE WHEN {value} < {bound} THEN 1 ELSE 0 END"


def _same_agent(followed: _Followed, row: str, alias: str = "") -> str:
    return f"{alias}user_id = {row}.user_id AND {alias}measure = {int(followed.measure)}"


def _add(dialect: str, followed: _Followed, row: str) -> list[str]:
    """The statements adding the chat row ({r} replaced) to its day's row and every later one."""
    day = _day(dialect, f"{row}.{followed.time}")
    same = _same_agent(followed, row)
    columns = f"user_id, measure, day, {', '.join(_COUNTS)}"
    keep = "ON CONFLICT (user_id, measure, day) DO NOTHING"
    value = f"{row}.{followed.value}"
    changes = ["chats = chats + 1", f"total_ms = total_ms + {_milliseconds(dialect, value)}"]
    changes += [f"{name} = {name} + {_under(value, bound)}" for name, bound in zip(UNDER, BOUNDS, strict=True)]
    return [
        f"INSERT INTO {TABLE} ({columns}) SELECT {row}.user_id, {int(followed.measure)}, {day}, "
        f"{', '.join(_COUNTS)} FROM {TABLE} WHERE {same} AND day < {day} ORDER BY day DESC LIMIT 1 {keep}",
        f"INSERT INTO {TABLE} ({columns}) SELECT {row}.user_id, {int(followed.measure)}, {day}, "
        f"{', '.join('0' for _ in _COUNTS)} WHERE true {keep}",
        f"UPDATE {TABLE} SET {', '.join(changes)} WHERE {same} AND day >= {day}",
    ]


def _remove(dialect: str, followed: _Followed, row: str) -> list[str]:
    day = _day(dialect, f"{row}.{followed.time}")
    same = _same_agent(followed, row)
    value = f"{row}.{followed.value}"
    changes = ["chats = chats - 1", f"total_ms = total_ms - {_milliseconds(dialect, value)}"]
    changes += [f"{name} = {name} - {_under(value, bound)}" for name, bound in zip(UNDER, BOUNDS, strict=True)]
    earlier = f"{_same_agent(followed, row, 'b.')} AND b.day < {day}"
    before = f"(SELECT b.chats FROM {TABLE} b WHERE {earlier} ORDER BY b.day DESC LIMIT 1)"
    return [
        f"UPDATE {TABLE} SET {', '.join(changes)} WHERE {same} AND day >= {day}",
        f"DELETE FROM {TABLE} WHERE {same} AND day = {day} AND chats = coalesce({before}, 0)",
    ]


def _sqlite_triggers() -> dict[str, str]:
    triggers = {}
    for group, (followed_columns, measures) in _GROUPS.items():
        removals = "".join(
            f"{_guarded(statement, m.condition.format(r='old'))}; "
            for m in measures
            for statement in _remove("sqlite", m, "old")
        )
        additions = "".join(
            f"{_guarded(statement, m.condition.format(r='new'))}; "
            for m in measures
            for statement in _add("sqlite", m, "new")
        )
        changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in followed_columns)
        triggers[f"running_{group}_insert"] = f"AFTER INSERT ON chats BEGIN {additions}END"
        triggers[f"running_{group}_delete"] = f"AFTER DELETE ON chats BEGIN {removals}END"
        triggers[f"running_{group}_update"] = (
            f"AFTER UPDATE OF {', '.join(followed_columns)} ON chats WHEN {changed} BEGIN {removals}{additions}END"
        )
    return triggers


def _guarded(statement: str, condition: str) -> str:
    """The statement, acting only when the condition on the chat holds (its first WHERE gains it)."""
    return statement.replace("WHERE ", f"WHERE {condition} AND ", 1)


def _postgres_statements() -> list[str]:
    statements = []
    for group, (followed_columns, measures) in _GROUPS.items():
        removals = "".join(
            f"IF TG_OP <> 'INSERT' AND {m.condition.format(r='OLD')} THEN "
            + "".join(f"{s}; " for s in _remove("postgresql", m, "OLD"))
            + "END IF; "
            for m in measures
        )
        additions = "".join(
            f"IF TG_OP <> 'DELETE' AND {m.condition.format(r='NEW')} THEN "
            + "".join(f"{s}; " for s in _add("postgresql", m, "NEW"))
            + "END IF; "
            for m in measures
        )
        changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in followed_columns)
        statements += [
            f"CREATE OR REPLACE FUNCTION running_{group}_follow() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {removals}{additions}RETURN NULL; END $$",
            f"CREATE OR REPLACE TRIGGER running_{group}_write AFTER INSERT OR DELETE ON chats "
            f"FOR EACH ROW EXECUTE FUNCTION running_{group}_follow()",
            f"CREATE OR REPLACE TRIGGER running_{group}_update AFTER UPDATE OF {', '.join(followed_columns)} ON chats "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION running_{group}_follow()",
        ]
    statements += [
        "CREATE OR REPLACE FUNCTION running_buckets_clear() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN DELETE FROM {TABLE}; RETURN NULL; END $$",
        "CREATE OR REPLACE TRIGGER running_buckets_truncate AFTER TRUNCATE ON chats "
        "FOR EACH STATEMENT EXECUTE FUNCTION running_buckets_clear()",
    ]
    return statements


_POSTGRES_TRIGGERS = (
    "running_created_write",
    "running_created_update",
    "running_handled_write",
    "running_handled_update",
    "running_buckets_truncate",
)


def install_running_buckets(connection: Connection) -> None:
    """Create the triggers and rebuild every row from the chats; call it inside a transaction (the table itself
    is created by services.storage.migrations)."""
    for statement in running_bucket_triggers(connection.dialect.name):
        connection.execute(text(statement))
    rebuild_running_buckets(connection)


def running_bucket_triggers(dialect: str) -> list[str]:
    """The functions and triggers that keep the table (services.storage.migrations creates them)."""
    if dialect == "postgresql":
        return _postgres_statements()
    return [f"CREATE TRIGGER IF NOT EXISTS {name} {body}" for name, body in _sqlite_triggers().items()]


POSTGRES_FUNCTIONS = ("running_created_follow", "running_handled_follow", "running_buckets_clear")


def rebuild_running_buckets(connection: Connection) -> None:
    for statement in running_buckets_worked_out(connection.dialect.name):
        connection.execute(text(statement))


def running_buckets_worked_out(dialect: str) -> list[str]:
    """Every row emptied and worked out again from the chats."""
    statements = [f"DELETE FROM {TABLE}"]
    for m in _MEASURES:
        value = f"chats.{m.value}"
        per_day = ["count(*) AS chats", f"sum({_milliseconds(dialect, value)}) AS total_ms"]
        per_day += [f"sum({_under(value, bound)}) AS {name}" for name, bound in zip(UNDER, BOUNDS, strict=True)]
        days = (
            f"SELECT chats.user_id AS user_id, {_day(dialect, f'chats.{m.time}')} AS day, {', '.join(per_day)} "
            f"FROM chats WHERE {m.condition.format(r='chats')} GROUP BY 1, 2"
        )
        running = ", ".join(f"sum({name}) OVER w" for name in _COUNTS)
        statements.append(
            f"INSERT INTO {TABLE} (user_id, measure, day, {', '.join(_COUNTS)}) "
            f"SELECT user_id, {int(m.measure)}, day, {running} FROM ({days}) AS days "
            "WINDOW w AS (PARTITION BY user_id ORDER BY day)"
        )
    return statements


def suspend_running_buckets(connection: Connection) -> None:
    """For a bulk load: no trigger call per chat, one rebuild at the end (resume_running_buckets)."""
    disable_triggers(connection, (("chats", name) for name in _POSTGRES_TRIGGERS), _sqlite_triggers())


def resume_running_buckets(connection: Connection) -> None:
    """PostgreSQL's functions stay as the migrations left them (owned, with the owner's rights)."""
    if connection.dialect.name != "postgresql":
        install_running_buckets(connection)
        return
    enable_postgres_triggers(connection, (("chats", name) for name in _POSTGRES_TRIGGERS))
    rebuild_running_buckets(connection)
