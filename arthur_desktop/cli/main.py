"""Entry point: `arthur-desktop [COMMAND]`. PySide6 is imported only when the window is needed."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

from arthur_desktop.cli import commands, delivery_commands, generate_command
from arthur_desktop.cli.parser import build_parser
from services.errors import ArthurError, InvalidDatabaseUrl, InvalidTimeWindow

log = logging.getLogger(__name__)

EXIT_RUNTIME_ERROR = 1
EXIT_USAGE_ERROR = 2
_USAGE_ERRORS = (InvalidDatabaseUrl, InvalidTimeWindow)

COMMANDS: dict[str, Callable[[commands.CommandContext], int]] = {
    "performance": commands.run_performance,
    "chats": commands.run_chats,
    "user": commands.run_user,
    "init-db": commands.run_init_db,
    "end-chat": delivery_commands.run_end_chat,
    "transcript": delivery_commands.run_transcript,
    "deliveries": delivery_commands.run_deliveries,
    "generate": generate_command.run_generate,
}


def main(argv: Sequence[str] | None = None) -> int:
    level = os.environ.get("ARTHUR_LOG_LEVEL", "WARNING").upper()
    logging.basicConfig(level=level if level in logging.getLevelNamesMapping() else "WARNING")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _open_window(args)
    ctx = commands.CommandContext(args, os.environ, print)
    try:
        return COMMANDS[args.command](ctx)
    except ArthurError as exc:
        print(f"arthur-desktop: error: {exc}", file=sys.stderr)
        return EXIT_USAGE_ERROR if isinstance(exc, _USAGE_ERRORS) else EXIT_RUNTIME_ERROR
    except BrokenPipeError:
        return 0
    finally:
        ctx.close()


def gui_main() -> int:
    return main(sys.argv[1:])


def _open_window(args: argparse.Namespace) -> int:
    from arthur_desktop.app import run_window  # deferred: imports PySide6

    return run_window(args)
