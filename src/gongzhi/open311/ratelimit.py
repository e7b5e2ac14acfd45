"""A sliding-window rate limit kept in Django's cache (per key, per address).

Two fixed one-minute counters, the current and the previous, weighted by how
much of the previous minute still lies inside the window: the "sliding window
counter" of API gateways. Every process must share one cache for the limit to
hold across servers (CACHE_URL=redis://…, docs/open311.md).
"""

from __future__ import annotations

import logging
import math
import time

from django.core.cache import cache

WINDOW_SECONDS = 60
logger = logging.getLogger(__name__)


def rate_hit(scope: str, ident: str, limit: int, *, now: float | None = None) -> int:
    """Count one request by ``ident``; return 0, or the seconds to wait if over.

    A limit of 0 or less turns the limit off. A cache that cannot be reached
    lets the request through: losing the limit is better than refusing everyone.
    """
    if limit <= 0:
        return 0
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    elapsed = now - window * WINDOW_SECONDS
    current_key = f"open311:rate:{scope}:{ident}:{window}"
    previous_key = f"open311:rate:{scope}:{ident}:{window - 1}"
    try:
        cache.add(current_key, 0, timeout=2 * WINDOW_SECONDS + 5)
        try:
            current = cache.incr(current_key)
        except ValueError:  # expired between add and incr
            cache.set(current_key, 1, timeout=2 * WINDOW_SECONDS + 5)
            current = 1
        previous = int(cache.get(previous_key) or 0)
    except Exception:  # the cache server is down or misconfigured
        logger.warning("Open311 rate limit skipped: the cache is unavailable.")
        return 0
    weighted = previous * (WINDOW_SECONDS - elapsed) / WINDOW_SECONDS + current
    if weighted <= limit:
        return 0
    return max(1, math.ceil(WINDOW_SECONDS - elapsed))
