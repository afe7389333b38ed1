"""Whole-answer cache for anonymous GraphQL queries (the fan page's ``viewer.campaign(domain:)`` load).

An anonymous query's answer depends only on the document, the variables (the locale among them), the
request host and the stored campaigns, so it is cached under ``gql:<host>:<sha256 of the whitespace-
normalized query, the variables and the operation name>`` together with the campaign generation it was
computed at. Any campaign, locale or market write bumps the generation (``monoql.generation``), which retires
every cached answer at once. A hit is answered by the request gate (``accounts.ratelimits``) before GraphQL
runs: its one Redis round trip reads the answer and the current generation with the rate counter, and the
answer still passes the rate limit, the request log, the correlation id and ``/metrics``. Every cacheable
answer carries ``ETag`` (generation + key) and ``Cache-Control: public, max-age=0, must-revalidate``: a CDN or
browser revalidates with ``If-None-Match`` and gets a 304 while the generation stands. Not cached:
mutations, signed-in callers (header or cookie), browsers holding a campaign password cookie, answers with
errors.
"""

import hashlib
import json
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified

from monoql.generation import GENERATION_KEY, generation

TTL_SECONDS = 60
CACHE_CONTROL = "public, max-age=0, must-revalidate"
_NAMED_OPERATION = re.compile(r"^\s*(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)")
_NOT_A_QUERY = re.compile(r"^\s*(?:mutation|subscription)\b")


def operation_name_of(query: str) -> str | None:
    """The name of a document's (first) operation without parsing it, for answers served from the cache."""
    match = _NAMED_OPERATION.match(query or "")
    return match.group(1) if match else None


def _anonymous(request) -> bool:
    if request.headers.get("Authorization") or request.COOKIES.get(settings.SESSION_JWT_COOKIE):
        return False
    return not request.COOKIES.get(settings.CAMPAIGN_PASSWORD_COOKIE)


def _limits() -> list:
    """The validation settings an answer was computed under (a cached answer never outlives a change)."""
    return [
        settings.GRAPHQL_INTROSPECTION,
        settings.GRAPHQL_MAX_DEPTH,
        settings.GRAPHQL_MAX_ALIASES,
        settings.GRAPHQL_MAX_ROOT_FIELDS,
        settings.GRAPHQL_MAX_COST,
        settings.GRAPHQL_DEFAULT_LIST_SIZE,
    ]


def _key(host: str, query: str, variables, operation_name) -> str:
    normalized = " ".join(query.split())
    digest = hashlib.sha256(
        json.dumps([normalized, variables or {}, operation_name or "", _limits()], sort_keys=True, default=str).encode()
    ).hexdigest()
    return f"gql:{host}:{digest}"


def cache_key(request, query: str, variables, operation_name) -> str | None:
    """Return the cache key for an anonymous query request, or None when the answer must not be cached."""
    if not settings.GRAPHQL_RESPONSE_CACHE or request.method not in ("POST", "GET") or not _anonymous(request):
        return None
    return _key(request.get_host(), query, variables, operation_name)


def probe_key(request) -> str | None:
    """The cache key of an anonymous GraphQL query read from the raw request (JSON POST, or GET with
    ``query``), before GraphQL parses it; None when the request cannot be answered from the cache."""
    if not settings.GRAPHQL_RESPONSE_CACHE or request.path != "/graphql" or not _anonymous(request):
        return None
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.GRAPHQL_MAX_BODY_BYTES:
            return None  # refused by the view, with its own answer
        if request.method == "POST" and request.content_type == "application/json":
            data = json.loads(request.body)
        elif (
            request.method == "GET" and "query" in request.GET and "text/html" not in request.headers.get("Accept", "")
        ):
            raw_variables = request.GET.get("variables")
            data = {
                "query": request.GET["query"],
                "variables": json.loads(raw_variables) if raw_variables else None,
                "operationName": request.GET.get("operationName"),
            }
        else:
            return None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None  # the view answers malformed bodies
    if not isinstance(data, dict):
        return None
    query, variables, operation_name = data.get("query"), data.get("variables"), data.get("operationName")
    if not isinstance(query, str) or _NOT_A_QUERY.match(query):
        return None
    if not isinstance(variables, (dict, type(None))) or not isinstance(operation_name, (str, type(None))):
        return None
    request.graphql_operation_name = operation_name or operation_name_of(query)
    try:
        return _key(request.get_host(), query, variables, operation_name)
    except Exception:  # noqa: BLE001 - a disallowed host is refused later by the view, never cached
        return None


def current_answer(entry, current_generation) -> str | None:
    """The JSON text of a cached ``(generation, body)`` entry when computed at ``current_generation``."""
    if entry and current_generation is not None and entry[0] == current_generation:
        return entry[1]
    return None


def etag(key: str, computed_at) -> str:
    """The ETag of the answer cached under ``key`` at generation ``computed_at``."""
    return f'"{computed_at}-{hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:20]}"'


def answer_response(request, key: str, body: str, computed_at) -> HttpResponse:
    """The HTTP answer for a cache hit (a 304 when the client already holds this ETag)."""
    tag = etag(key, computed_at)
    response: HttpResponse
    if tag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = tag
    response["Cache-Control"] = CACHE_CONTROL
    return response


def get(key: str):
    """Return the cached JSON text of ``key`` when it was computed at the current generation, else None.

    Returns ``(body or None, generation)``: the generation to store a fresh answer under.
    """
    found = cache.get_many([key, GENERATION_KEY])
    current = found.get(GENERATION_KEY)
    if current is None:
        return None, generation()
    return current_answer(found.get(key), current), current


def put(key: str, body: str, computed_at: int) -> None:
    """Cache an answer's JSON text, computed at generation ``computed_at``, for ``TTL_SECONDS``."""
    cache.set(key, (computed_at, body), timeout=TTL_SECONDS)
