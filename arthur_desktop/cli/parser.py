"""The command line: global options, one subcommand per capability, argument types that fail clearly."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, NoReturn

from services.errors import InvalidSearchText
from services.floor_results import TrendStep
from services.locations import CONFIG_ENV, DATABASE_URL_ENV, default_config_path, default_database_path
from services.results import AgentPerformance, ChatSortKey, ChatStatus
from services.storage.search_index import check_search_text

FORMATS = ("table", "json", "csv")
PERFORMANCE_COLUMNS = tuple(field.name for field in fields(AgentPerformance))
CHAT_COLUMNS = tuple(key.value for key in ChatSortKey)
TEXT_OPTIONS = frozenset({"--search"})
LARGEST_NUMBER = 2_147_483_647  # the largest id a PostgreSQL integer column holds


class OneLineErrorParser(argparse.ArgumentParser):
    """Bad input gets one clear line on stderr and exit code 2, not the whole usage text.

    Options listed in TEXT_OPTIONS take any text as their value, also text that starts with "-"
    ("--search -dash"), which argparse would otherwise take for an unknown option.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        arguments = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(self._join_dashed_values(arguments), namespace)

    def _join_dashed_values(self, arguments: list[str]) -> list[str]:
        """["--search", "-dash"] -> ["--search=-dash"], unless the value is one of this parser's options."""
        joined: list[str] = []
        position = 0
        while position < len(arguments):
            argument = arguments[position]
            value = arguments[position + 1] if position + 1 < len(arguments) else None
            if (
                argument in TEXT_OPTIONS
                and argument in self._option_string_actions
                and value is not None
                and value.startswith("-")
                and not self._is_option(value)
            ):
                joined.append(f"{argument}={value}")
                position += 2
            else:
                joined.append(argument)
                position += 1
        return joined

    def _is_option(self, value: str) -> bool:
        if value == "--" or value.split("=", 1)[0] in self._option_string_actions:
            return True
        # argparse also takes an unambiguous beginning of a long option for it ("--lim" for "--limit").
        return value.startswith("--") and any(option.startswith(value) for option in self._option_string_actions)


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = OneLineErrorParser(
        prog="arthur-desktop",
        description="Arthur Desktop: agent performance, chats and transcripts for contact-centre managers. "
        "With no command it opens the window.",
        epilog=(
            f"Database: --database-url, else ${DATABASE_URL_ENV}, else {default_database_path()} "
            "(created and seeded on first use). "
            f"Client config: --config, else ${CONFIG_ENV}, else {default_config_path()}."
        ),
        parents=[common],
    )
    parser.add_argument("--screenshot", metavar="FILE.png", help="open the window, render it to FILE.png, exit")
    parser.add_argument("--version", action=VersionAction, help="show the version, and Python's, PySide6's and Qt's")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    performance = commands.add_parser(
        "performance", parents=[common], help="chats handled, handling time, wait and first response per agent"
    )
    _add_period(performance, "handled: ended; wait and first response: created")
    _add_sort(performance, PERFORMANCE_COLUMNS, "user_id")
    _add_format(performance, FORMATS)

    summary = commands.add_parser(
        "summary", parents=[common], help="the floor: created, handled, waiting, service level"
    )
    _add_period(summary, "created or ended, as for performance")
    _add_target(summary)
    _add_format(summary, ("table", "json"))

    trend = commands.add_parser(
        "trends", parents=[common], help="per local day or hour: created, handled, service level"
    )
    _add_period(trend, "the days or hours shown")
    trend.add_argument(
        "--by", choices=[step.value for step in TrendStep], help="day or hour (hour for two days or less, else day)"
    )
    _add_target(trend)
    _add_format(trend, FORMATS)

    chats = commands.add_parser("chats", parents=[common], help="list chats, newest first")
    chats.add_argument("--status", choices=[status.value for status in ChatStatus], help="%(choices)s")
    chats.add_argument("--agent", type=positive_int, metavar="ID", help="only this agent's chats")
    chats.add_argument(
        "--search", metavar="TEXT", type=search_text, help="customer or agent name contains TEXT (may start with -)"
    )
    chats.add_argument("--limit", type=positive_int, default=50, metavar="N", help="at most N chats (50)")
    _add_sort(chats, CHAT_COLUMNS, "created:desc; the waiting ones: created")
    _add_format(chats, FORMATS)

    user = commands.add_parser("user", parents=[common], help="show one user")
    user.add_argument("user_id", type=positive_int, metavar="ID")
    _add_format(user, FORMATS)

    commands.add_parser("init-db", parents=[common], help="create the tables and seed an empty database")

    end = commands.add_parser("end-chat", parents=[common], help="end chats and deliver their transcripts")
    end.add_argument("chat_ids", type=positive_int, metavar="ID", nargs="+", help="one or more chats, each on its own")
    _add_format(end, ("text", "json"))

    transcript = commands.add_parser(
        "transcript", parents=[common], help="print a transcript as the configured client receives it"
    )
    transcript.add_argument("chat_id", type=positive_int, metavar="ID")

    generate = commands.add_parser("generate", parents=[common], help="fill the database with synthetic chats")
    generate.add_argument("--agents", type=positive_int, default=500, metavar="N", help="agents to add (500)")
    generate.add_argument("--chats", type=positive_int, default=1_000_000, metavar="N", help="chats to add (1000000)")
    generate.add_argument("--messages-per-chat", type=non_negative_int, default=6, metavar="N", help="(6)")
    generate.add_argument("--seed", type=non_negative_int, default=2020, help="random seed, for repeatable data")
    generate.add_argument("--append", action="store_true", help="add to a database that already holds chats")

    deliveries = commands.add_parser("deliveries", parents=[common], help="the transcript deliveries")
    deliveries.add_argument("--retry", action="store_true", help="first retry the pending and failed ones")
    deliveries.add_argument(
        "--retry-id",
        type=positive_int,
        metavar="ID",
        help="first send delivery ID again, also one that needs attention (the client refused it)",
    )
    _add_format(deliveries, ("table", "json"))
    _add_db_commands(commands, common)
    return parser


def _add_db_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    db = commands.add_parser(
        "db",
        parents=[common],
        help="the database's schema and roles: status, upgrade, grant (for whoever administers it)",
        description="A SQLite file is brought up to date when a desktop opens it; a PostgreSQL database only by "
        "`db upgrade`, run by whoever administers it (a role that may alter the schema).",
    )
    db_commands = db.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    db_commands.add_parser("status", parents=[common], help="the database's schema revision and this version's")
    upgrade = db_commands.add_parser(
        "upgrade", parents=[common], help="bring the schema to this version's revision, in one transaction"
    )
    upgrade.add_argument(
        "--sql", action="store_true", help="print the SQL instead, for a DBA to review and run; change nothing"
    )
    grant = db_commands.add_parser(
        "grant",
        parents=[common],
        help="PostgreSQL: grant ROLE what a manager's desktop needs, and nothing more (run as the owner)",
    )
    grant.add_argument("role", metavar="ROLE", help="an existing role, e.g. one made by CREATE ROLE manager LOGIN")
    grant.add_argument("--sql", action="store_true", help="print the GRANT statements instead; change nothing")


class VersionAction(argparse.Action):
    """--version: the program's version, then the runtime's (what a support request needs), and exit 0."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: str | None = None
    ) -> NoReturn:
        from arthur_desktop.version import program_version, runtime_versions  # deferred: imports PySide6

        print(f"{program_version()}\n{runtime_versions()}")
        parser.exit(0)


def _common_options() -> OneLineErrorParser:
    # SUPPRESS keeps a value given before the command from being reset by the subcommand's defaults.
    common = OneLineErrorParser(add_help=False)
    common.add_argument(
        "--database-url",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="sqlite:///path.db, sqlite:// (in-memory demo) or postgresql+psycopg://user@host:port/db",
    )
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help="client config (TOML)")
    return common


def _add_period(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--from", dest="start", type=parse_when, help=f"on or after DATE, local time ({what})")
    parser.add_argument("--to", dest="end", type=parse_when, help="before DATE, local time")


def _add_target(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target-seconds",
        type=positive_int,
        metavar="N",
        help="service level: picked up within N seconds (the config's [service_level] target_seconds)",
    )


def _add_sort(parser: argparse.ArgumentParser, columns: tuple[str, ...], default: str) -> None:
    parser.add_argument(
        "--sort",
        type=SortType(columns),
        metavar="COLUMN[:desc]",
        help=f"order by a column of the JSON output, empty values last either way ({default}): {', '.join(columns)}",
    )


@dataclass(frozen=True)
class SortOrder:
    column: str
    descending: bool


@dataclass(frozen=True)
class SortType:
    """COLUMN, COLUMN:asc or COLUMN:desc, with COLUMN one of columns."""

    columns: tuple[str, ...]

    def __call__(self, text: str) -> SortOrder:
        column, _, direction = text.strip().partition(":")
        if column not in self.columns:
            raise argparse.ArgumentTypeError(
                f"'{column}' is not a column to sort by; use one of {', '.join(self.columns)}"
            )
        if direction not in ("", "asc", "desc"):
            raise argparse.ArgumentTypeError(f"'{text}': add :desc to sort descending, or :asc (the default)")
        return SortOrder(column, direction == "desc")


def _add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...]) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help="output format (%(default)s)")


def parse_when(text: str) -> datetime:
    """YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]: a local day or time (naive), or a time with its UTC offset (aware)."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None


def search_text(text: str) -> str:
    try:
        return check_search_text(text)
    except InvalidSearchText as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive_int(text: str) -> int:
    return _whole_number(text, minimum=1)


def non_negative_int(text: str) -> int:
    return _whole_number(text, minimum=0)


def _whole_number(text: str, *, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"'{text}' must be {minimum} or more")
    if value > LARGEST_NUMBER:
        raise argparse.ArgumentTypeError(f"'{text}' is too large (at most {LARGEST_NUMBER})")
    return value
