"""Whole-answer cache for anonymous GraphQL queries (the fan page's ``viewer.campaign(domain:)`` load).

An anonymous query's answer depends only on the document, the variables, the request host and the
stored campaigns, so it is cached under ``gql:<host>:<sha256>`` together with the campaign generation it
was computed at. Any campaign, locale or market write bumps the generation (``monoql.generation``), which
retires every cached answer at once. A lookup reads the answer and the current generation in one
round trip (MGET). Not cached: mutations, signed-in callers (header or cookie), browsers holding a campaign password
cookie, answers with errors.
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache

from monoql.generation import GENERATION_KEY, generation

TTL_SECONDS = 60


def cache_key(request, query: str, variables, operation_name) -> str | None:
    """Return the cache key for an anonymous request, or None when the answer must not be cached."""
    if not settings.GRAPHQL_RESPONSE_CACHE or request.method != "POST":
        return None
    if request.headers.get("Authorization") or request.COOKIES.get(settings.SESSION_JWT_COOKIE):
        return None
    if request.COOKIES.get(settings.CAMPAIGN_PASSWORD_COOKIE):
        return None
    digest = hashlib.sha256(
        json.dumps([query, variables or {}, operation_name or ""], sort_keys=True, default=str).encode()
    ).hexdigest()
    return f"gql:{request.get_host()}:{digest}"


def get(key: str):
    """Return the cached JSON text of ``key`` when it was computed at the current generation, else None.

    Returns ``(body or None, generation)``: the generation to store a fresh answer under.
    """
    found = cache.get_many([key, GENERATION_KEY])
    current = found.get(GENERATION_KEY)
    if current is None:
        return None, generation()
    entry = found.get(key)
    if entry and entry[0] == current:
        return entry[1], current
    return None, current


def put(key: str, body: str, computed_at: int) -> None:
    """Cache an answer's JSON text, computed at generation ``computed_at``, for ``TTL_SECONDS``."""
    cache.set(key, (computed_at, body), timeout=TTL_SECONDS)
