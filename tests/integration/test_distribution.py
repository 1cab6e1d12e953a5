"""The handling-time distribution per agent (for the chart), on both engines."""

from __future__ import annotations

from datetime import datetime

from seed_data import SEED_DAY, add_chat, add_user
from services.distribution import AgentDistribution, handling_time_distribution
from services.results import TimeWindow
from services.storage.database import Database


def test_the_seed_agents_distributions(database: Database) -> None:
    rows = handling_time_distribution(database.unit_of_work())

    assert rows == [
        AgentDistribution(1, "Test User 1", 1, 300.0, 300.0, 300.0, 300.0, 300.0, 300.0),
        AgentDistribution(2, "Test User 2", 0, None, None, None, None, None, None),
        AgentDistribution(3, "Test User 3", 2, 180.0, 180.0, 390.0, 600.0, 600.0, 600.0),
    ]


def test_quartiles_use_the_nearest_rank_and_show_the_long_tail(database: Database) -> None:
    agent = add_user(database, "Ten Chats")
    for seconds in (10, 20, 30, 40, 50, 60, 70, 80, 90, 5_000):
        add_chat(database, user_id=agent, start=SEED_DAY, seconds=seconds)

    row = {r.name: r for r in handling_time_distribution(database.unit_of_work())}["Ten Chats"]

    assert row.chats_handled == 10
    assert (row.minimum_seconds, row.lower_quartile_seconds, row.median_seconds) == (10.0, 30.0, 55.0)
    assert (row.upper_quartile_seconds, row.p90_seconds, row.maximum_seconds) == (80.0, 90.0, 5_000.0)


def test_the_distribution_follows_the_time_window(database: Database) -> None:
    rows = handling_time_distribution(database.unit_of_work(), TimeWindow(datetime(2020, 9, 29, 9, 0)))

    by_name = {r.name: r for r in rows}
    assert (by_name["Test User 3"].chats_handled, by_name["Test User 3"].maximum_seconds) == (1, 180.0)
    assert by_name["Test User 1"].median_seconds == 300.0


def test_figures_whose_chats_lie_either_side_of_a_bucket_bound(database: Database) -> None:
    """Each figure is a seek inside the bucket holding its rank (services.storage.bucket_seeks): the two middle chats
    of an even count may lie in two buckets, and a rank may fall on a bucket's first or last chat."""
    agent = add_user(database, "Bounds")
    # bucket bounds at 5, 6, 300 and 360 s (services.storage.value_buckets)
    for seconds in (4.5, 5.0, 5.5, 299.5, 300.0, 359.0, 360.0, 400.0):
        add_chat(database, user_id=agent, start=SEED_DAY, seconds=seconds)

    row = {r.name: r for r in handling_time_distribution(database.unit_of_work())}["Bounds"]

    assert row.chats_handled == 8
    assert (row.minimum_seconds, row.lower_quartile_seconds, row.median_seconds) == (4.5, 5.0, 299.75)
    assert (row.upper_quartile_seconds, row.p90_seconds, row.maximum_seconds) == (359.0, 400.0, 400.0)
