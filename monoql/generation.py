"""The data generation: one integer that only grows, bumped by every write that changes what fans are shown.

Readers that cache (the campaign read cache in ``campaigns.cache``, the anonymous answer cache in
``monoql.graphql.response_cache``) key their entries with the generation they were computed at, so one
bump retires every cached read at once. Campaign, locale and market writes bump it (``campaigns.signals``).
The counter lives in Django's default cache: Redis when ``REDIS_URL`` is set, per-process memory otherwise.
"""

import time
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

#: Cache key of the counter (its name predates the move into the core; kept so a deploy keeps the count).
GENERATION_KEY = "campaigns:generation"


#: The generation read for this request by the request gate's one Redis round trip (``accounts.ratelimits``).
_prefetched: ContextVar[int | None] = ContextVar("monoql_generation", default=None)


def use_prefetched(value: int | None):
    """Make ``generation()`` answer ``value`` (read with the request's other cache reads) for the rest of
    this request; returns the token to pass to ``end_prefetched``. None = read it when asked."""
    return _prefetched.set(int(value) if value is not None else None)


def end_prefetched(token) -> None:
    """Forget the request's prefetched generation (the request is answered)."""
    _prefetched.reset(token)


def generation() -> int:
    """Return the current generation (an integer that only grows; milliseconds since the epoch when seeded)."""
    prefetched = _prefetched.get()
    if prefetched is not None:
        return prefetched
    value = cache.get(GENERATION_KEY)
    if value is None:
        # Start from the clock so that a flushed cache never reuses an old generation number.
        value = int(time.time() * 1000)
        cache.add(GENERATION_KEY, value, timeout=None)
        value = cache.get(GENERATION_KEY, value)
    return int(value)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, int(time.time() * 1000), timeout=None)


def bump_generation() -> None:
    """Retire every cached read: now, and again when the current transaction commits (no stale read in between)."""
    _prefetched.set(None)
    _bump()
    transaction.on_commit(_bump)
