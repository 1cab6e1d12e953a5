"""Totals behind the live floor's figures, kept by the database in the same transaction as each change of a chat.

Triggers on chats add a chat's contribution to each total when it appears and take it away when it changes or
goes, whoever writes the chats, as the handled-chat day totals do (services.storage.day_totals):

- agent_day_figures: per agent, UTC day of created and measure (wait, first response): chats and total time;
- agent_value_buckets: per agent and measure (wait, first response, handling), over all time, per duration
  bucket (services.storage.value_buckets): chats, total time, and the chats in the lower buckets (below), so that the
  bucket holding an agent's middle chat is found without adding up the buckets;
- day_value_buckets: the same for everyone, per UTC day (of created; of handle_end for handling);
- slot_counts: everyone's chats created and handled per quarter of an hour of UTC.

A chat counts for a measure when it has the times the measure needs; for the agent's totals, also an agent.
Two triggers per engine share the work: one follows created, handle_start and first_response_seconds (the
figures of the chats created), the other handle_start and handle_end (the chats handled).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from services.storage.trigger_switch import disable_triggers, enable_postgres_triggers
from services.storage.value_buckets import Measure, bucket_sql

SLOT_SECONDS = 900
_TABLES = ("agent_day_figures", "agent_value_buckets", "day_value_buckets", "slot_counts")


@dataclass(frozen=True)
class _Contribution:
    """One chat's share of one total: the row it counts in (key columns and their SQL, {r} being the chat) and
    the duration it adds (None: a count only), when condition holds."""

    table: str
    keys: tuple[tuple[str, str], ...]
    value: str | None
    condition: str
    cumulative: bool = False  # keeps below: the chats of the same keys but the last, in lower last keys


def _day(dialect: str, column: str) -> str:
    return f"date({{r}}.{column})" if dialect == "sqlite" else f"CAST({{r}}.{column} AS DATE)"


def slot_sql(dialect: str, column: str) -> str:
    """The quarter of an hour since 1970 holding the time, rounded down (also before 1970)."""
    if dialect == "postgresql":
        return f"CAST(floor(EXTRACT(EPOCH FROM {column}) / {SLOT_SECONDS}) AS BIGINT)"
    seconds = f"CAST(strftime('%s', {column}) AS INTEGER)"
    return f"(({seconds} - ((({seconds}) % {SLOT_SECONDS}) + {SLOT_SECONDS}) % {SLOT_SECONDS}) / {SLOT_SECONDS})"


def _contributions(dialect: str) -> dict[str, list[_Contribution]]:
    """The created group and the handled group, each followed by its own trigger."""
    agent = "{r}.user_id IS NOT NULL"
    durations = {
        Measure.WAIT: ("{r}.wait_seconds", "created", "{r}.wait_seconds IS NOT NULL"),
        Measure.FIRST_RESPONSE: (
            "{r}.first_response_seconds",
            "created",
            "{r}.first_response_seconds IS NOT NULL AND {r}.created IS NOT NULL",
        ),
        Measure.HANDLING: ("{r}.handling_seconds", "handle_end", "{r}.handling_seconds IS NOT NULL"),
    }
    groups: dict[str, list[_Contribution]] = {"created": [], "handled": []}
    for measure, (value, day_of, counted) in durations.items():
        group = groups["handled" if measure is Measure.HANDLING else "created"]
        kind = ("measure", str(int(measure)))
        bucket = ("bucket", bucket_sql(value))
        day = ("day", _day(dialect, day_of))
        if measure is not Measure.HANDLING:  # handled chats per agent and day are services.storage.day_totals' own
            group.append(
                _Contribution(
                    "agent_day_figures", (("user_id", "{r}.user_id"), kind, day), value, f"{agent} AND {counted}"
                )
            )
        group.append(
            _Contribution(
                "agent_value_buckets",
                (("user_id", "{r}.user_id"), kind, bucket),
                value,
                f"{agent} AND {counted}",
                cumulative=True,
            )
        )
        group.append(_Contribution("day_value_buckets", (day, kind, bucket), value, counted))
    groups["created"].append(_slot_count(dialect, Measure.CREATED, "created", "{r}.created IS NOT NULL"))
    groups["handled"].append(_slot_count(dialect, Measure.HANDLING, "handle_end", "{r}.handling_seconds IS NOT NULL"))
    return groups


def _slot_count(dialect: str, measure: Measure, column: str, condition: str) -> _Contribution:
    keys = (("measure", str(int(measure))), ("slot", slot_sql(dialect, f"{{r}}.{column}")))
    return _Contribution("slot_counts", keys, None, condition)


_FOLLOWED = {
    "created": ("user_id", "created", "handle_start", "first_response_seconds"),
    "handled": ("user_id", "handle_start", "handle_end"),
}


def _milliseconds(dialect: str, value: str) -> str:
    if dialect == "postgresql":
        return f"CAST(round({value} * 1000) AS BIGINT)"
    return f"CAST(round({value} * 1000) AS INTEGER)"


def _remove(dialect: str, part: _Contribution, row: str) -> str:
    key = " AND ".join(f"{column} = {expression}" for column, expression in part.keys)
    where = f"{part.condition} AND {key}"
    total = "" if part.value is None else f", total_ms = total_ms - {_milliseconds(dialect, part.value)}"
    statements = (
        f"UPDATE {part.table} SET chats = chats - 1{total} WHERE {where}; "
        f"DELETE FROM {part.table} WHERE {where} AND chats = 0; "
    )
    if part.cumulative:
        statements += f"UPDATE {part.table} SET below = below - 1 WHERE {part.condition} AND {_above(part)}; "
    return statements.replace("{r}", row)


def _above(part: _Contribution) -> str:
    """The rows of the same group (every key but the last) past the chat's own (the last key greater)."""
    *group, (last, last_expression) = part.keys
    same = " AND ".join(f"{column} = {expression}" for column, expression in group)
    return f"{same} AND {last} > {last_expression}"


def _below_new(part: _Contribution) -> str:
    """below for a new row: the chats of its group in lower rows."""
    *group, (last, last_expression) = part.keys
    same = " AND ".join(f"b.{column} = {expression}" for column, expression in group)
    return f"(SELECT coalesce(sum(b.chats), 0) FROM {part.table} b WHERE {same} AND b.{last} < {last_expression})"


def _add(dialect: str, part: _Contribution, row: str) -> str:
    columns = [column for column, _ in part.keys]
    values = [expression for _, expression in part.keys]
    own = f"{part.table}." if dialect == "postgresql" else ""  # PostgreSQL must be told which row's column
    update = f"chats = {own}chats + 1"
    if part.value is not None:
        columns.append("total_ms")
        values.append(_milliseconds(dialect, part.value))
        update += f", total_ms = {own}total_ms + excluded.total_ms"
    if part.cumulative:
        columns.append("below")
        values.append(_below_new(part))
    statement = (
        f"INSERT INTO {part.table} ({', '.join(columns)}, chats) SELECT {', '.join(values)}, 1 "
        f"WHERE {part.condition} ON CONFLICT ({', '.join(c for c, _ in part.keys)}) DO UPDATE SET {update}; "
    )
    if part.cumulative:
        statement += f"UPDATE {part.table} SET below = below + 1 WHERE {part.condition} AND {_above(part)}; "
    return statement.replace("{r}", row)


def _sqlite_triggers() -> dict[str, str]:
    triggers = {}
    for group, parts in _contributions("sqlite").items():
        followed = _FOLLOWED[group]
        changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in followed)
        removals = "".join(_remove("sqlite", part, "old") for part in parts)
        additions = "".join(_add("sqlite", part, "new") for part in parts)
        triggers[f"floor_{group}_insert"] = f"AFTER INSERT ON chats BEGIN {additions}END"
        triggers[f"floor_{group}_delete"] = f"AFTER DELETE ON chats BEGIN {removals}END"
        triggers[f"floor_{group}_update"] = (
            f"AFTER UPDATE OF {', '.join(followed)} ON chats WHEN {changed} BEGIN {removals}{additions}END"
        )
    return triggers


def _postgres_statements() -> list[str]:
    statements = []
    for group, parts in _contributions("postgresql").items():
        removals = "".join(
            f"IF TG_OP <> 'INSERT' AND {p.condition.replace('{r}', 'OLD')} THEN {_remove('postgresql', p, 'OLD')}"
            "END IF; "
            for p in parts
        )
        additions = "".join(f"IF TG_OP <> 'DELETE' THEN {_add('postgresql', p, 'NEW')}END IF; " for p in parts)
        followed = _FOLLOWED[group]
        changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in followed)
        statements += [
            f"CREATE OR REPLACE FUNCTION floor_{group}_follow() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {removals}{additions}RETURN NULL; END $$",
            f"CREATE OR REPLACE TRIGGER floor_{group}_write AFTER INSERT OR DELETE ON chats "
            f"FOR EACH ROW EXECUTE FUNCTION floor_{group}_follow()",
            f"CREATE OR REPLACE TRIGGER floor_{group}_update AFTER UPDATE OF {', '.join(followed)} ON chats "
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION floor_{group}_follow()",
        ]
    clear = "; ".join(f"DELETE FROM {table}" for table in _TABLES)
    statements += [
        "CREATE OR REPLACE FUNCTION floor_totals_clear() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {clear}; RETURN NULL; END $$",
        "CREATE OR REPLACE TRIGGER floor_totals_truncate AFTER TRUNCATE ON chats "
        "FOR EACH STATEMENT EXECUTE FUNCTION floor_totals_clear()",
    ]
    return statements


_POSTGRES_TRIGGERS = (
    "floor_created_write",
    "floor_created_update",
    "floor_handled_write",
    "floor_handled_update",
    "floor_totals_truncate",
)


def install_floor_totals(connection: Connection) -> None:
    """Create the triggers and rebuild every total from the chats; call it inside a transaction."""
    for statement in floor_total_triggers(connection.dialect.name):
        connection.execute(text(statement))
    rebuild_floor_totals(connection)


def floor_total_triggers(dialect: str) -> list[str]:
    """The functions and triggers that keep the totals (services.storage.migrations creates them)."""
    if dialect == "postgresql":
        return _postgres_statements()
    return [f"CREATE TRIGGER IF NOT EXISTS {name} {body}" for name, body in _sqlite_triggers().items()]


def rebuild_floor_totals(connection: Connection) -> None:
    for statement in floor_totals_worked_out(connection.dialect.name):
        connection.execute(text(statement))


def floor_totals_worked_out(dialect: str) -> list[str]:
    """Every total emptied and worked out again from the chats."""
    statements = [f"DELETE FROM {table}" for table in _TABLES]
    for parts in _contributions(dialect).values():
        for part in parts:
            columns = [f"{expression} AS {column}" for column, expression in part.keys]
            if part.value is not None:
                columns.append(f"sum({_milliseconds(dialect, part.value)}) AS total_ms")
            columns.append("count(*) AS chats")
            keys = ", ".join(str(n) for n in range(1, len(part.keys) + 1))
            grouped = f"SELECT {', '.join(columns)} FROM chats WHERE {part.condition} GROUP BY {keys}"
            inserted = (
                [column for column, _ in part.keys] + (["total_ms"] if part.value is not None else []) + ["chats"]
            )
            selected = list(inserted)
            if part.cumulative:
                *group, last = [column for column, _ in part.keys]
                selected.append(f"sum(chats) OVER (PARTITION BY {', '.join(group)} ORDER BY {last}) - chats")
                inserted.append("below")
            statements.append(
                f"INSERT INTO {part.table} ({', '.join(inserted)}) "
                f"SELECT {', '.join(selected)} FROM ({grouped.replace('{r}', 'chats')}) AS grouped"
            )
    return statements


def suspend_floor_totals(connection: Connection) -> None:
    """For a bulk load: no trigger call per chat, one rebuild at the end (resume_floor_totals)."""
    disable_triggers(connection, (("chats", name) for name in _POSTGRES_TRIGGERS), _sqlite_triggers())


def resume_floor_totals(connection: Connection) -> None:
    """PostgreSQL's functions stay as the migrations left them (owned, with the owner's rights)."""
    if connection.dialect.name != "postgresql":
        install_floor_totals(connection)
        return
    enable_postgres_triggers(connection, (("chats", name) for name in _POSTGRES_TRIGGERS))
    rebuild_floor_totals(connection)
