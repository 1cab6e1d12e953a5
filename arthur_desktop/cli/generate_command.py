"""`arthur-desktop generate`: fill the database with synthetic data, with a progress bar."""

from __future__ import annotations

import sys

from tqdm import tqdm

from arthur_desktop.cli.commands import CommandContext
from services.database import open_database
from services.sample_data.generator import GenerationPlan, generate
from services.storage.database import resolve_database_url


def run_generate(ctx: CommandContext) -> int:
    url = resolve_database_url(getattr(ctx.args, "database_url", None), ctx.environ)
    database = open_database(url, create_and_seed=False)
    plan = GenerationPlan(ctx.args.agents, ctx.args.chats, ctx.args.messages_per_chat, ctx.args.seed)
    # disable=None: a bar on a terminal, silence in logs and pipes.
    with tqdm(total=plan.chats, unit=" chats", unit_scale=True, file=sys.stderr, disable=None) as bar:
        try:
            summary = generate(database, plan, append=ctx.args.append, on_progress=bar.update)
        finally:
            database.dispose()
    ctx.print_line(
        f"Added {summary.agents} agents, {summary.chats} chats and {summary.messages} messages "
        f"to {database.display_url} in {summary.seconds:.1f} s."
    )
    return 0
