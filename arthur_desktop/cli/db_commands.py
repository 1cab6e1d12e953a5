"""`arthur-desktop db ...`: the schema commands of whoever administers the database."""

from __future__ import annotations

from arthur_desktop.cli.commands import CommandContext
from services.database import database_status, grant_manager, upgrade_database, upgrade_database_sql
from services.storage.database import resolve_database_url
from services.storage.schema_version import HEAD


def run_db(ctx: CommandContext) -> int:
    url = resolve_database_url(getattr(ctx.args, "database_url", None), ctx.environ)
    if ctx.args.db_command == "status":
        return _status(ctx, url)
    if ctx.args.db_command == "grant":
        return _grant(ctx, url)
    return _upgrade(ctx, url)


def _status(ctx: CommandContext, url: str) -> int:
    status = database_status(url)
    state = status.state
    if state.current:
        verdict = "up to date"
    elif state.ahead:
        verdict = "the database is newer: use the newer Arthur Desktop"
    else:
        verdict = "behind: run `arthur-desktop db upgrade`"
    ctx.print_line(f"Database:     {status.display_url}")
    ctx.print_line(f"Revision:     {state.shown}")
    ctx.print_line(f"This version: {HEAD} ({verdict})")
    return 0


def _upgrade(ctx: CommandContext, url: str) -> int:
    if ctx.args.sql:
        script = upgrade_database_sql(url)
        ctx.print_text(script or f"-- The database is at {HEAD} already: nothing to run.\n")
        return 0
    before, after = upgrade_database(url)
    if before.stored == after:
        ctx.print_line(f"The database is at revision {after} already; nothing was changed.")
    else:
        ctx.print_line(f"Brought the database from revision {before.shown} to {after}.")
    return 0


def _grant(ctx: CommandContext, url: str) -> int:
    statements = grant_manager(url, ctx.args.role, apply=not ctx.args.sql)
    if not ctx.args.sql:
        ctx.print_line(f"Granted {ctx.args.role} what a manager's desktop needs, and nothing more:")
    ctx.print_text("".join(f"{statement};\n" for statement in statements))
    return 0
