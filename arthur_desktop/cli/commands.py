"""The headless commands: each opens what it needs, calls one service and prints the result."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from arthur_desktop.cli.output import plain_record, render_csv, render_json, render_table
from services.chats import list_chats
from services.clock import utc_now
from services.config import AppConfig, load_config, resolve_config_path
from services.database import open_database, prepare_schema
from services.floor_config import FloorSettings, load_floor_settings
from services.formatting import format_duration, name_or_no_value
from services.local_time import format_local, local_zone, to_utc
from services.performance import agent_performance, sorted_performance
from services.queue import waited_seconds
from services.results import (
    AgentPerformance,
    ChatFilter,
    ChatSort,
    ChatSortKey,
    ChatStatus,
    ChatSummary,
    TimeWindow,
    UserInfo,
)
from services.storage.database import Database, resolve_database_url
from services.users import get_user

PERFORMANCE_COLUMNS = (
    "user_id",
    "name",
    "chats_handled",
    "chats_in_progress",
    "average_handling_seconds",
    "median_handling_seconds",
    "average_wait_seconds",
    "median_wait_seconds",
    "average_first_response_seconds",
    "median_first_response_seconds",
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
    _zone: tzinfo | None = field(default=None, init=False)

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

    @property
    def zone(self) -> tzinfo:
        """The computer's time zone (TZ honoured): times are shown, and dates read, in it."""
        if self._zone is None:
            self._zone = local_zone(self.environ)
        return self._zone

    @property
    def floor_settings(self) -> FloorSettings:
        """The service level's target and goal, read from the config file without needing its client settings."""
        if self._config is not None:
            return self._config.floor
        return load_floor_settings(resolve_config_path(getattr(self.args, "config", None), self.environ)[0])

    def time_window(self) -> TimeWindow:
        """--from and --to: local days and times (or times with an offset), as a window of UTC."""
        start, end = (getattr(self.args, name, None) for name in ("start", "end"))
        return TimeWindow(*(None if value is None else to_utc(value, self.zone) for value in (start, end)))

    def print_text(self, text: str) -> None:
        """Text that carries its own line ends (CSV's CRLF), printed as it is."""
        self.print_line(text, end="")

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()


def run_performance(ctx: CommandContext) -> int:
    rows = agent_performance(ctx.database.unit_of_work(), ctx.time_window())
    if ctx.args.sort is not None:
        rows = sorted_performance(rows, ctx.args.sort.column, descending=ctx.args.sort.descending)
    _print(ctx, rows, PERFORMANCE_COLUMNS, _performance_table)
    return 0


def run_chats(ctx: CommandContext) -> int:
    """The waiting chats come longest-waiting first, each with how long it has waited so far."""
    status = ChatStatus(ctx.args.status) if ctx.args.status else None
    chat_filter = ChatFilter(status=status, user_id=ctx.args.agent, search=ctx.args.search)
    order = ctx.args.sort
    sort = None if order is None else ChatSort(ChatSortKey(order.column), order.descending)
    page = list_chats(ctx.database.unit_of_work(), chat_filter, limit=ctx.args.limit, sort=sort)
    if status is not ChatStatus.WAITING:
        _print(ctx, list(page.chats), CHAT_COLUMNS, lambda rows: _chats_table(rows, ctx.zone))
        return 0
    now = utc_now()
    records = [{**plain_record(c, ctx.zone), "waiting_seconds": waited_seconds(c.created, now)} for c in page.chats]
    if ctx.args.format == "json":
        ctx.print_line(render_json(records))
    elif ctx.args.format == "csv":
        ctx.print_text(render_csv(records, (*CHAT_COLUMNS, "waiting_seconds")))
    else:
        ctx.print_line(_waiting_table(list(page.chats), now, ctx.zone))
    return 0


def run_user(ctx: CommandContext) -> int:
    user = get_user(ctx.database.unit_of_work(), ctx.args.user_id)
    if ctx.args.format == "json":
        ctx.print_line(render_json(plain_record(user, ctx.zone)))
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
        ctx.print_line(render_json([plain_record(r, ctx.zone) for r in results]))
    elif ctx.args.format == "csv":
        ctx.print_text(render_csv([plain_record(r, ctx.zone) for r in results], columns))
    else:
        ctx.print_line(table(results))


def _performance_table(rows: list[AgentPerformance]) -> str:
    durations = PERFORMANCE_COLUMNS[4:]  # handling, wait, first response: average and median each
    return render_table(
        (
            "ID",
            "Agent",
            "Handled",
            "In progress",
            "Average",
            "Median",
            "Wait avg",
            "Wait med",
            "1st reply avg",
            "1st reply med",
        ),
        [
            (
                str(r.user_id),
                name_or_no_value(r.name),
                str(r.chats_handled),
                str(r.chats_in_progress),
                *(format_duration(getattr(r, name)) for name in durations),
            )
            for r in rows
        ],
        numeric={0, 2, 3, 4, 5, 6, 7, 8, 9},
    )


def _chats_table(rows: list[ChatSummary], zone: tzinfo) -> str:
    return render_table(
        ("ID", "Customer", "Agent", "Status", "Created", "Handling", "Messages"),
        [
            (
                str(c.chat_id),
                name_or_no_value(c.customer_name),
                name_or_no_value(c.agent_name),
                c.status.label,
                format_local(c.created, zone),
                format_duration(c.handling_seconds),
                str(c.message_count),
            )
            for c in rows
        ],
        numeric={0, 5, 6},
    )


def _waiting_table(rows: list[ChatSummary], now: datetime, zone: tzinfo) -> str:
    return render_table(
        ("ID", "Customer", "Created", "Waiting"),
        [
            (
                str(c.chat_id),
                name_or_no_value(c.customer_name),
                format_local(c.created, zone),
                format_duration(waited_seconds(c.created, now)),
            )
            for c in rows
        ],
        numeric={0, 3},
    )


def _user_table(rows: list[UserInfo]) -> str:
    return render_table(("ID", "Name"), [(str(u.user_id), name_or_no_value(u.name)) for u in rows], numeric={0})
