"""Commands of the transcript integrations: end-chat, transcript and deliveries."""

from __future__ import annotations

import sys

from arthur_desktop.cli.commands import CommandContext
from arthur_desktop.cli.output import plain_record, render_json, render_table
from services.deliveries import list_deliveries, retry_pending_deliveries
from services.end_chat import end_chat
from services.formatting import delivery_outcome, format_timestamp, name_or_no_value
from services.results import DeliveryRecord, DeliveryStatus, EndChatResult
from services.transcripts import chat_transcript

END_CHAT_KEYS = ("chat_id", "client", "status", "path", "http_status", "response", "error")


def run_end_chat(ctx: CommandContext) -> int:
    integration = ctx.config.integration
    result = end_chat(ctx.args.chat_id, ctx.database.unit_of_work(), integration)
    if ctx.args.format == "json":
        record = plain_record(result)
        ctx.print_line(render_json({key: record[key] for key in END_CHAT_KEYS}))
    elif result.status == "delivered":
        ctx.print_line(describe_delivered(result))
    if result.status != "delivered":
        print(
            f"arthur-desktop: error: chat {result.chat_id} ended, but its transcript was not delivered "
            f"({result.error}); it is queued: run 'arthur-desktop deliveries --retry'.",
            file=sys.stderr,
        )
        return 1
    return 0


def describe_delivered(result: EndChatResult) -> str:
    if result.path is not None:
        return f"Chat {result.chat_id} ended. Transcript written to {result.path}"
    answer = f"The API answered {result.http_status}: {result.response or ''}".rstrip()
    return f"Chat {result.chat_id} ended. {answer}"


def run_transcript(ctx: CommandContext) -> int:
    ctx.print_line(chat_transcript(ctx.args.chat_id, ctx.database.unit_of_work(), ctx.config.integration))
    return 0


def run_deliveries(ctx: CommandContext) -> int:
    if ctx.args.retry:
        retry_pending_deliveries(ctx.database.unit_of_work(), ctx.config.integration)
    records = list_deliveries(ctx.database.unit_of_work())
    if ctx.args.format == "json":
        ctx.print_line(render_json([plain_record(r) for r in records]))
    else:
        ctx.print_line(_deliveries_table(records))
    still_failing = any(r.status is DeliveryStatus.FAILED for r in records)
    return 1 if ctx.args.retry and still_failing else 0


def _deliveries_table(records: list[DeliveryRecord]) -> str:
    return render_table(
        ("ID", "Chat", "Customer", "Client", "Status", "Attempts", "Updated", "Result"),
        [
            (
                str(r.delivery_id),
                str(r.chat_id),
                name_or_no_value(r.customer_name),
                r.client,
                r.status.value,
                str(r.attempts),
                format_timestamp(r.updated),
                delivery_outcome(r),
            )
            for r in records
        ],
        numeric={0, 1, 5},
    )
