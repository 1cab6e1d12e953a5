"""The live floor on the command line: the summary strip and the trend, as in the window."""

from __future__ import annotations

from datetime import tzinfo

from arthur_desktop.cli.commands import CommandContext
from arthur_desktop.cli.output import plain_record, render_csv, render_json, render_table
from services.floor_results import FloorSummary, ServiceLevelTarget, TrendPoint, TrendStep
from services.floor_summary import floor_summary
from services.formatting import NO_VALUE, format_duration
from services.local_time import format_local
from services.trends import trends

SUMMARY_KEYS = (
    "chats_created",
    "chats_handled",
    "chats_in_progress",
    "chats_waiting",
    "longest_wait_seconds",
    "service_level_percent",
    "service_level_target_seconds",
    "average_wait_seconds",
    "median_wait_seconds",
    "average_first_response_seconds",
    "median_first_response_seconds",
    "average_handling_seconds",
    "median_handling_seconds",
)
TREND_KEYS = ("period_start", "chats_created", "chats_handled", "service_level_percent", "median_handling_seconds")


def run_summary(ctx: CommandContext) -> int:
    summary = floor_summary(ctx.database.unit_of_work(), ctx.time_window(), _target(ctx))
    if ctx.args.format == "json":
        record = plain_record(summary, ctx.zone)
        ctx.print_line(render_json({key: record[key] for key in SUMMARY_KEYS}))
    else:
        ctx.print_line(summary_table(summary, ctx.zone))
    return 0


def run_trends(ctx: CommandContext) -> int:
    step = TrendStep(ctx.args.by) if ctx.args.by else None
    points = trends(ctx.database.unit_of_work(), ctx.time_window(), ctx.zone, step=step, target=_target(ctx))
    records = [plain_record(point, ctx.zone) for point in points]
    if ctx.args.format == "json":
        ctx.print_line(render_json([{key: record[key] for key in TREND_KEYS} for record in records]))
    elif ctx.args.format == "csv":
        ctx.print_line(render_csv(records, TREND_KEYS))
    else:
        ctx.print_line(_trend_table(points, ctx.zone))
    return 0


def summary_table(summary: FloorSummary, zone: tzinfo) -> str:
    waiting = str(summary.chats_waiting)
    if summary.longest_waiting_since is not None:
        since = format_local(summary.longest_waiting_since, zone)
        waiting += f" (longest {format_duration(summary.longest_wait_seconds)}, since {since})"
    level = NO_VALUE if summary.service_level_percent is None else f"{summary.service_level_percent:.1f} %"
    counted = f"{summary.answered_within_target} of {summary.service_level_chats}"
    goal = f"goal {summary.service_level_goal_percent:g} %{', below it' if summary.below_goal else ''}"
    level += f" within {format_duration(summary.service_level_target_seconds)} ({counted}; {goal})"
    rows = [
        ("Chats created", str(summary.chats_created)),
        ("Chats handled", str(summary.chats_handled)),
        ("In progress", str(summary.chats_in_progress)),
        ("Waiting now", waiting),
        ("Service level", level),
        ("Wait", _pair(summary.average_wait_seconds, summary.median_wait_seconds)),
        ("First response", _pair(summary.average_first_response_seconds, summary.median_first_response_seconds)),
        ("Handling time", _pair(summary.average_handling_seconds, summary.median_handling_seconds)),
    ]
    return "\n".join(f"{label:<16}{value}" for label, value in rows)


def _pair(average: float | None, median: float | None) -> str:
    return f"average {format_duration(average)}, median {format_duration(median)}"


def _trend_table(points: list[TrendPoint], zone: tzinfo) -> str:
    return render_table(
        ("Period", "Created", "Handled", "Service level", "Median handling"),
        [
            (
                format_local(p.period_start, zone),
                str(p.chats_created),
                str(p.chats_handled),
                NO_VALUE if p.service_level_percent is None else f"{p.service_level_percent:.1f} %",
                format_duration(p.median_handling_seconds),
            )
            for p in points
        ],
        numeric={1, 2, 3, 4},
    )


def _target(ctx: CommandContext) -> ServiceLevelTarget:
    configured = ctx.floor_settings.service_level
    seconds = getattr(ctx.args, "target_seconds", None)
    return configured if seconds is None else ServiceLevelTarget(seconds, configured.goal_percent)
