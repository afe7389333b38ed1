"""Campaign read cache (catalog §2.1 "campaign by domain (Redis-cached)"; issue: served from Redis when configured).

Every cached campaign read is keyed with a *generation* number. Any write to a campaign, its locales or
its markets bumps the generation (``bump_generation``: at once and again after commit), so no reader
can be served a campaign older than the last committed write, whatever door the write came through
(GraphQL, admin, refresh, import). The cache is Django's default cache: Redis when ``REDIS_URL`` is set,
per-process memory otherwise.
"""

from django.core.cache import cache

from monoql.generation import GENERATION_KEY, bump_generation, generation

__all__ = ["GENERATION_KEY", "bump_generation", "generation", "campaign_key", "get_cached", "store"]

CAMPAIGN_TTL_SECONDS = 300


def campaign_key(kind: str, value: str, gen: int | None = None) -> str:
    """Return the cache key of a campaign looked up by ``kind`` (``id``/``domain``) = ``value``."""
    return f"campaigns:{gen if gen is not None else generation()}:{kind}:{value}"


def get_cached(key: str):
    """Return the cached value of ``key`` or None."""
    return cache.get(key)


def store(key: str, value, timeout: int = CAMPAIGN_TTL_SECONDS) -> None:
    """Cache ``value`` under ``key`` for ``timeout`` seconds."""
    cache.set(key, value, timeout=timeout)
