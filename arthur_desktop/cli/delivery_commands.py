"""Commands of the transcript integrations: end-chat, transcript and deliveries."""

from __future__ import annotations

import sys

from arthur_desktop.cli.commands import CommandContext
from arthur_desktop.cli.output import plain_record, render_json, render_table
from services.deliveries import list_deliveries, retry_delivery, retry_pending_deliveries
from services.end_chat import end_chat
from services.formatting import delivery_outcome, format_timestamp
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
    if result.status == "needs-attention":
        print(
            f"arthur-desktop: error: chat {result.chat_id} ended, but its transcript needs attention "
            f"({result.error}); it is not retried automatically: fix the configuration, then run "
            f"'arthur-desktop deliveries --retry-id {result.delivery_id}'.",
            file=sys.stderr,
        )
        return 1
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
    retried_by_hand = _retry_one(ctx, ctx.args.retry_id) if ctx.args.retry_id is not None else True
    if ctx.args.retry:
        retry_pending_deliveries(ctx.database.unit_of_work(), ctx.config.integration)
    records = list_deliveries(ctx.database.unit_of_work())
    if ctx.args.format == "json":
        ctx.print_line(render_json([plain_record(r) for r in records]))
    else:
        ctx.print_line(_deliveries_table(records))
    if not retried_by_hand:
        return 1
    still_failing = any(r.status is DeliveryStatus.FAILED for r in records)
    return 1 if ctx.args.retry and still_failing else 0


def _retry_one(ctx: CommandContext, delivery_id: int) -> bool:
    """Send one delivery again, whatever its state; says on stderr why it was not delivered."""
    record = retry_delivery(delivery_id, ctx.database.unit_of_work(), ctx.config.integration)
    if record.status is DeliveryStatus.DELIVERED:
        return True
    if record.status is DeliveryStatus.DELIVERING:
        reason = "another desktop is delivering it now"
    elif record.client != ctx.config.integration.client:
        reason = f"it is for the client {record.client}, not the configured {ctx.config.integration.client}"
    else:
        reason = record.error or record.status.value
    print(f"arthur-desktop: error: delivery {delivery_id} was not delivered: {reason}", file=sys.stderr)
    return False


def _deliveries_table(records: list[DeliveryRecord]) -> str:
    return render_table(
        ("ID", "Chat", "Customer", "Client", "Status", "Attempts", "Updated", "Result"),
        [
            (
                str(r.delivery_id),
                str(r.chat_id),
                r.customer_name,
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
