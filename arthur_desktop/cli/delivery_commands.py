"""Commands of the transcript integrations: end-chat, transcript and deliveries."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import tzinfo

from arthur_desktop.cli.commands import CommandContext
from arthur_desktop.cli.output import plain_record, render_json, render_table
from services.deliveries import count_undelivered, list_deliveries, retry_delivery, retry_pending_deliveries
from services.end_chat import end_chat
from services.end_chats import EndChatOutcome, end_chats
from services.formatting import delivery_outcome, name_or_no_value
from services.local_time import format_local
from services.results import DeliveryRecord, DeliveryStatus, EndChatResult
from services.transcripts import chat_transcript

END_CHAT_KEYS = ("chat_id", "client", "status", "path", "http_status", "response", "error")
# How a retry's outcome reads; any other status (a later one) is named as it is.
_OUTCOMES = {
    DeliveryStatus.DELIVERED: "delivered",
    DeliveryStatus.FAILED: "failed",
    DeliveryStatus.DELIVERING: "held by another desktop or window",
    DeliveryStatus.NEEDS_ATTENTION: "refused by the client (needs attention)",
}


def run_end_chat(ctx: CommandContext) -> int:
    """One id: as before. Several: each chat is ended on its own and a refusal does not stop the others; one line
    (or JSON record) per chat, and exit 1 when any was refused or left its transcript queued."""
    integration = ctx.config.integration
    if len(ctx.args.chat_ids) == 1:
        result = end_chat(ctx.args.chat_ids[0], ctx.database.unit_of_work(), integration)
        if ctx.args.format == "json":
            ctx.print_line(render_json(_end_chat_record(result, ctx)))
        return _report_ended(ctx, result)
    outcomes = end_chats(
        ctx.args.chat_ids,
        ctx.database.unit_of_work(),
        integration,
        on_outcome=lambda outcome: None if ctx.args.format == "json" else _report_outcome(ctx, outcome),
    )
    if ctx.args.format == "json":
        ctx.print_line(render_json([_outcome_record(outcome, ctx) for outcome in outcomes]))
        for outcome in outcomes:
            _report_outcome(ctx, outcome, quiet=True)
    return 0 if all(outcome.delivered for outcome in outcomes) else 1


def _report_outcome(ctx: CommandContext, outcome: EndChatOutcome, *, quiet: bool = False) -> None:
    if outcome.result is not None:
        _report_ended(ctx, outcome.result, quiet=quiet)
    else:
        print(f"arthur-desktop: error: {outcome.refusal}", file=sys.stderr)


def _report_ended(ctx: CommandContext, result: EndChatResult, *, quiet: bool = False) -> int:
    if result.status == "delivered":
        if ctx.args.format != "json" and not quiet:
            ctx.print_line(describe_delivered(result))
        return 0
    if result.status == "needs-attention":
        print(
            f"arthur-desktop: error: chat {result.chat_id} ended, but its transcript needs attention "
            f"({result.error}); it is not retried automatically: fix the configuration, then run "
            f"'arthur-desktop deliveries --retry-id {result.delivery_id}'.",
            file=sys.stderr,
        )
        return 1
    print(
        f"arthur-desktop: error: chat {result.chat_id} ended, but its transcript was not delivered "
        f"({result.error}); it is queued: run 'arthur-desktop deliveries --retry'.",
        file=sys.stderr,
    )
    return 1


def _end_chat_record(result: EndChatResult, ctx: CommandContext) -> dict[str, object]:
    record = plain_record(result, ctx.zone)
    return {key: record[key] for key in END_CHAT_KEYS}


def _outcome_record(outcome: EndChatOutcome, ctx: CommandContext) -> dict[str, object]:
    if outcome.result is not None:
        return {**_end_chat_record(outcome.result, ctx), "refusal": None}
    return {key: None for key in END_CHAT_KEYS} | {
        "chat_id": outcome.chat_id,
        "status": "refused",
        "refusal": outcome.refusal,
    }


def describe_delivered(result: EndChatResult) -> str:
    if result.path is not None:
        return f"Chat {result.chat_id} ended. Transcript written to {result.path}"
    answer = f"The API answered {result.http_status}: {result.response or ''}".rstrip()
    return f"Chat {result.chat_id} ended. {answer}"


def run_transcript(ctx: CommandContext) -> int:
    ctx.print_line(chat_transcript(ctx.args.chat_id, ctx.database.unit_of_work(), ctx.config.integration))
    return 0


def run_deliveries(ctx: CommandContext) -> int:
    """--retry-id sends one delivery again, whatever its state; --retry retries the queue. Exit 1 while what was
    asked for is not delivered, saying in one line what the retry did."""
    retried_by_hand = _retry_one(ctx, ctx.args.retry_id) if ctx.args.retry_id is not None else True
    retried = retry_pending_deliveries(ctx.database.unit_of_work(), ctx.config.integration) if ctx.args.retry else None
    records = list_deliveries(ctx.database.unit_of_work())
    if ctx.args.format == "json":
        ctx.print_line(render_json([plain_record(r, ctx.zone) for r in records]))
    else:
        ctx.print_line(_deliveries_table(records, ctx.zone))
    if not retried_by_hand:
        return 1
    if retried is None:
        return 0
    undelivered = count_undelivered(ctx.database.unit_of_work())
    summary = retry_summary(retried)
    if undelivered:
        verb = "remains" if undelivered == 1 else "remain"
        print(f"arthur-desktop: error: {summary}; {undelivered} {verb} undelivered.", file=sys.stderr)
        return 1
    if ctx.args.format != "json":
        ctx.print_line(f"{summary}.")
    return 0


def retry_summary(retried: list[DeliveryRecord]) -> str:
    """E.g. "Retried 4 deliveries: 2 delivered, 1 failed, 1 held by another desktop or window"."""
    if not retried:
        return "Nothing to retry"
    counts = Counter(r.status for r in retried)
    ordered = [*_OUTCOMES, *sorted(set(counts) - set(_OUTCOMES))]
    parts = [f"{counts[s]} {_OUTCOMES.get(s, s.value)}" for s in ordered if counts[s]]
    noun = "delivery" if len(retried) == 1 else "deliveries"
    return f"Retried {len(retried)} {noun}: {', '.join(parts)}"


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


def _deliveries_table(records: list[DeliveryRecord], zone: tzinfo) -> str:
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
                format_local(r.updated, zone),
                delivery_outcome(r),
            )
            for r in records
        ],
        numeric={0, 1, 5},
    )
