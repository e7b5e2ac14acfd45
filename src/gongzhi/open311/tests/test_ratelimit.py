"""The sliding-window counter behind the Open311 rate limits."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from gongzhi.open311.ratelimit import rate_hit

T0 = 1_800_000_000.0  # the start of a minute


def test_allows_up_to_the_limit_in_a_minute_then_says_how_long_to_wait():
    assert [rate_hit("t", "a", 3, now=T0 + i) for i in range(3)] == [0, 0, 0]

    assert rate_hit("t", "a", 3, now=T0 + 10) == 50


def test_counts_each_identity_apart():
    for _n in range(3):
        rate_hit("t", "a", 3, now=T0)

    assert rate_hit("t", "b", 3, now=T0) == 0
    assert rate_hit("u", "a", 3, now=T0) == 0


def test_the_previous_minute_weighs_by_how_much_of_it_is_still_in_the_window():
    for _n in range(4):
        rate_hit("t", "a", 4, now=T0 + 59)

    # 15 s into the next minute, 3/4 of the previous minute's 4 still count.
    assert rate_hit("t", "a", 4, now=T0 + 75) == 0
    assert rate_hit("t", "a", 4, now=T0 + 75) == 45
    # Two minutes on, the old burst no longer counts.
    assert rate_hit("t", "a", 4, now=T0 + 125) == 0


def test_a_limit_of_zero_turns_the_limit_off():
    assert all(rate_hit("t", "a", 0, now=T0) == 0 for _n in range(100))


def test_an_unreachable_cache_lets_requests_through(monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "add", down)

    assert rate_hit("t", "a", 1, now=T0) == 0
    assert "cache is unavailable" in caplog.text


@pytest.fixture(autouse=True)
def _clear():
    cache.clear()
    yield
    cache.clear()
