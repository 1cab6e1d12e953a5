"""Entry point: `arthur-desktop [COMMAND]`. PySide6 is imported only when the window is needed."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Sequence

from arthur_desktop.cli import commands, db_commands, delivery_commands, floor_commands, generate_command, interrupts
from arthur_desktop.cli.logs import configure_logging
from arthur_desktop.cli.parser import build_parser
from services.errors import ArthurError, InvalidDatabaseUrl, InvalidTimeWindow

log = logging.getLogger(__name__)

EXIT_RUNTIME_ERROR = 1
EXIT_USAGE_ERROR = 2
_USAGE_ERRORS = (InvalidDatabaseUrl, InvalidTimeWindow)

COMMANDS: dict[str, Callable[[commands.CommandContext], int]] = {
    "performance": commands.run_performance,
    "summary": floor_commands.run_summary,
    "trends": floor_commands.run_trends,
    "chats": commands.run_chats,
    "user": commands.run_user,
    "init-db": commands.run_init_db,
    "end-chat": delivery_commands.run_end_chat,
    "transcript": delivery_commands.run_transcript,
    "deliveries": delivery_commands.run_deliveries,
    "generate": generate_command.run_generate,
    "db": db_commands.run_db,
}


def main(argv: Sequence[str] | None = None) -> int:
    configure_logging(os.environ)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _open_window(args)
    ctx = commands.CommandContext(args, os.environ, print)
    with interrupts.signals_raise_interrupted():
        try:
            return COMMANDS[args.command](ctx)
        except ArthurError as exc:
            print(f"arthur-desktop: error: {exc}", file=sys.stderr)
            return EXIT_USAGE_ERROR if isinstance(exc, _USAGE_ERRORS) else EXIT_RUNTIME_ERROR
        except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM or SIGHUP: the work in hand was put back
            interrupts.ignore_further_signals()
            _say(f"arthur-desktop: {interrupts.describe(exc)}")
            return interrupts.exit_code(exc)
        except BrokenPipeError:
            return 0
        finally:
            ctx.close()


def _say(line: str) -> None:
    with contextlib.suppress(OSError):  # the terminal that asked for the stop may be gone already (SIGHUP)
        print(line, file=sys.stderr, flush=True)


def gui_main() -> int:
    return main(sys.argv[1:])


def _open_window(args: argparse.Namespace) -> int:
    from arthur_desktop.app import run_window  # deferred: imports PySide6

    return run_window(args)
