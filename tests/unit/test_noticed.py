"""What a burst of live notices told of (services.storage.change_feed.noticed), as a window decides what to reload."""

from __future__ import annotations

from services.storage.change_feed import Noticed, noticed


def test_chats_and_deliveries_are_told_apart_and_anything_else_means_everything() -> None:
    assert noticed(["chat:2", "delivery:5", "chat:2", "delivery:12"]) == Noticed(
        frozenset({2}), frozenset({5, 12}), other=False
    )
    assert noticed(["chat:2", "delivery:"]).other
    assert noticed(["agent:3"]).other
    assert noticed(["chat:two"]) == Noticed(frozenset(), frozenset(), other=True)
    assert noticed([]) == Noticed(frozenset(), frozenset(), other=False)


def test_a_deferred_burst_joins_the_next() -> None:
    first, later = noticed(["chat:2"]), noticed(["delivery:5", "x"])
    assert first | later == Noticed(frozenset({2}), frozenset({5}), other=True)


def test_only_a_chat_or_an_unknown_notice_may_change_the_reports() -> None:
    assert noticed(["chat:2"]).chats_changed
    assert noticed(["agent:3"]).chats_changed  # a newer version's notice: anything may have changed
    assert not noticed(["delivery:5", "delivery:6"]).chats_changed
    assert not noticed([]).chats_changed
