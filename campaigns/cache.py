"""Campaign read cache (catalog §2.1 "campaign by domain (Redis-cached)"; issue: served from Redis when configured).

Every cached campaign read is keyed with a *generation* number. Any write to a campaign, its locales or
its markets bumps the generation (``bump_generation``: at once and again after commit), so no reader
can be served a campaign older than the last committed write, whatever door the write came through
(GraphQL, admin, refresh, import). The cache is Django's default cache: Redis when ``REDIS_URL`` is set,
per-process memory otherwise.
"""

import time

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "campaigns:generation"
CAMPAIGN_TTL_SECONDS = 300


def generation() -> int:
    """Return the current campaign generation (an integer that only grows)."""
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
    """Invalidate every cached campaign read: now, and again when the current transaction commits."""
    _bump()
    transaction.on_commit(_bump)


def campaign_key(kind: str, value: str, gen: int | None = None) -> str:
    """Return the cache key of a campaign looked up by ``kind`` (``id``/``domain``) = ``value``."""
    return f"campaigns:{gen if gen is not None else generation()}:{kind}:{value}"


def get_cached(key: str):
    """Return the cached value of ``key`` or None."""
    return cache.get(key)


def store(key: str, value, timeout: int = CAMPAIGN_TTL_SECONDS) -> None:
    """Cache ``value`` under ``key`` for ``timeout`` seconds."""
    cache.set(key, value, timeout=timeout)
