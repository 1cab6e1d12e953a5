"""The headless commands: each opens what it needs, calls one service and prints the result."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from arthur_desktop.cli.output import plain_record, render_csv, render_json, render_table
from services.chats import list_chats
from services.config import AppConfig, load_config
from services.database import Database, open_database, prepare_schema, resolve_database_url
from services.formatting import format_duration, format_timestamp, name_or_no_value
from services.performance import agent_performance
from services.results import AgentPerformance, ChatFilter, ChatStatus, ChatSummary, TimeWindow, UserInfo
from services.users import get_user

PERFORMANCE_COLUMNS = (
    "user_id",
    "name",
    "chats_handled",
    "chats_in_progress",
    "average_handling_seconds",
    "median_handling_seconds",
)
CHAT_COLUMNS = (
    "chat_id",
    "customer_name",
    "user_id",
    "agent_name",
    "status",
    "created",
    "handle_start",
    "handle_end",
    "handling_seconds",
    "message_count",
)


@dataclass
class CommandContext:
    args: argparse.Namespace
    environ: Mapping[str, str]
    print_line: Callable[..., None]  # print, or a stand-in taking the same arguments
    _database: Database | None = field(default=None, init=False)
    _config: AppConfig | None = field(default=None, init=False)

    @property
    def database(self) -> Database:
        if self._database is None:
            url = resolve_database_url(getattr(self.args, "database_url", None), self.environ)
            self._database = open_database(url)
        return self._database

    @property
    def config(self) -> AppConfig:
        if self._config is None:
            self._config = load_config(getattr(self.args, "config", None), self.environ)
        return self._config

    def print_text(self, text: str) -> None:
        """Text that carries its own line ends (CSV's CRLF), printed as it is."""
        self.print_line(text, end="")

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()


def run_performance(ctx: CommandContext) -> int:
    window = TimeWindow(ctx.args.start, ctx.args.end)
    rows = agent_performance(ctx.database.unit_of_work(), window)
    _print(ctx, rows, PERFORMANCE_COLUMNS, _performance_table)
    return 0


def run_chats(ctx: CommandContext) -> int:
    status = ChatStatus(ctx.args.status) if ctx.args.status else None
    chat_filter = ChatFilter(status=status, user_id=ctx.args.agent, search=ctx.args.search)
    page = list_chats(ctx.database.unit_of_work(), chat_filter, limit=ctx.args.limit)
    _print(ctx, list(page.chats), CHAT_COLUMNS, _chats_table)
    return 0


def run_user(ctx: CommandContext) -> int:
    user = get_user(ctx.database.unit_of_work(), ctx.args.user_id)
    if ctx.args.format == "json":
        ctx.print_line(render_json(plain_record(user)))
    else:
        _print(ctx, [user], ("user_id", "name"), _user_table)
    return 0


def run_init_db(ctx: CommandContext) -> int:
    url = resolve_database_url(getattr(ctx.args, "database_url", None), ctx.environ)
    database = open_database(url, create_and_seed=False)
    ctx._database = database
    seeded = prepare_schema(database, seed=True)
    if seeded:
        ctx.print_line(f"Created the tables and seeded {database.display_url}.")
    else:
        ctx.print_line(f"{database.display_url} already holds data; nothing was changed.")
    return 0


def _print(
    ctx: CommandContext,
    results: list[AgentPerformance] | list[ChatSummary] | list[UserInfo],
    columns: tuple[str, ...],
    table: Callable[[list], str],  # type: ignore[type-arg]
) -> None:
    if ctx.args.format == "json":
        ctx.print_line(render_json([plain_record(r) for r in results]))
    elif ctx.args.format == "csv":
        ctx.print_text(render_csv([plain_record(r) for r in results], columns))
    else:
        ctx.print_line(table(results))


def _performance_table(rows: list[AgentPerformance]) -> str:
    return render_table(
        ("ID", "Agent", "Handled", "In progress", "Average", "Median"),
        [
            (
                str(r.user_id),
                name_or_no_value(r.name),
                str(r.chats_handled),
                str(r.chats_in_progress),
                format_duration(r.average_handling_seconds),
                format_duration(r.median_handling_seconds),
            )
            for r in rows
        ],
        numeric={0, 2, 3, 4, 5},
    )


def _chats_table(rows: list[ChatSummary]) -> str:
    return render_table(
        ("ID", "Customer", "Agent", "Status", "Created", "Handling", "Messages"),
        [
            (
                str(c.chat_id),
                name_or_no_value(c.customer_name),
                name_or_no_value(c.agent_name),
                c.status.label,
                format_timestamp(c.created),
                format_duration(c.handling_seconds),
                str(c.message_count),
            )
            for c in rows
        ],
        numeric={0, 5, 6},
    )


def _user_table(rows: list[UserInfo]) -> str:
    return render_table(("ID", "Name"), [(str(u.user_id), name_or_no_value(u.name)) for u in rows], numeric={0})
