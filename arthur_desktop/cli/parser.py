"""The command line: global options, one subcommand per capability, argument types that fail clearly."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NoReturn

from services.locations import CONFIG_ENV, DATABASE_URL_ENV, default_config_path, default_database_path
from services.results import ChatStatus

FORMATS = ("table", "json", "csv")
LARGEST_NUMBER = 2_147_483_647  # the largest id a PostgreSQL integer column holds


class OneLineErrorParser(argparse.ArgumentParser):
    """Bad input gets one clear line on stderr and exit code 2, not the whole usage text."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


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

    performance = commands.add_parser("performance", parents=[common], help="chats handled and handling time per agent")
    performance.add_argument("--from", dest="start", type=parse_when, help="handle_end on or after DATE (UTC)")
    performance.add_argument("--to", dest="end", type=parse_when, help="handle_end before DATE (UTC)")
    _add_format(performance, FORMATS)

    chats = commands.add_parser("chats", parents=[common], help="list chats, newest first")
    chats.add_argument("--status", choices=[status.value for status in ChatStatus], help="%(choices)s")
    chats.add_argument("--agent", type=positive_int, metavar="ID", help="only this agent's chats")
    chats.add_argument("--search", metavar="TEXT", help="customer or agent name contains TEXT")
    chats.add_argument("--limit", type=positive_int, default=50, metavar="N", help="at most N chats (50)")
    _add_format(chats, FORMATS)

    user = commands.add_parser("user", parents=[common], help="show one user")
    user.add_argument("user_id", type=positive_int, metavar="ID")
    _add_format(user, FORMATS)

    commands.add_parser("init-db", parents=[common], help="create the tables and seed an empty database")

    end = commands.add_parser("end-chat", parents=[common], help="end a chat and deliver its transcript")
    end.add_argument("chat_id", type=positive_int, metavar="ID")
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
    _add_format(deliveries, ("table", "json"))
    return parser


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


def _add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...]) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help="output format (%(default)s)")


def parse_when(text: str) -> datetime:
    """YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], naive UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    if value.tzinfo is not None:
        raise argparse.ArgumentTypeError(f"'{text}' has a time zone; give UTC times without one")
    return value


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
