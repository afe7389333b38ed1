"""Request rate limits for the API (catalog §5; issue 8 item 1), counted in the shared cache (Redis).

Every request to ``/graphql`` and ``/api/`` counts against one budget: per user when it carries a valid
bearer token (``RATE_LIMIT_USER``, default 500/min), per client IP otherwise (``RATE_LIMIT_ANON``,
100/min); multipart uploads also count against ``RATE_LIMIT_UPLOAD`` (10/min). Over a limit the answer is
429 with ``Retry-After`` and ``extensions.code = RATE_LIMITED`` (GraphQL shape on ``/graphql``, the REST
error body on ``/api/``); every answer carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and
``X-RateLimit-Reset`` (seconds until the window ends). Counting uses django-ratelimit's fixed windows.
The client IP is ``REMOTE_ADDR``, or the ``X-Forwarded-For`` entry added by the last
``RATE_LIMIT_TRUSTED_PROXIES`` proxies.
"""

import json
import logging

from django.conf import settings
from django.http import HttpResponse
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from accounts.tokens import decode_session_token
from monoql.errors import RATE_LIMITED
from monoql.observability import count_error

LIMITED_PATHS = ("/graphql", "/api/")

logger = logging.getLogger("monoql.ratelimits")


def client_ip(request) -> str:
    """The caller's IP: ``REMOTE_ADDR`` unless trusted proxies add ``X-Forwarded-For`` entries."""
    proxies = settings.RATE_LIMIT_TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def caller_key(request) -> tuple[str, str]:
    """``("user:<id>", user rate)`` for a valid bearer token, else ``("ip:<ip>", anonymous rate)``."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        try:
            return f"user:{decode_session_token(header[7:].strip())['sub']}", settings.RATE_LIMIT_USER
        except Exception:  # noqa: BLE001 - a bad token is judged later; here it counts as anonymous
            pass
    return f"ip:{client_ip(request)}", settings.RATE_LIMIT_ANON


def _usage(request, group: str, key: str, rate: str) -> dict:
    return get_usage(request, group=group, key=lambda _group, _request: key, rate=rate, method=ALL, increment=True)


def _refusal(request, usage: dict, limit_name: str) -> HttpResponse:
    count_error(RATE_LIMITED)
    message = f"Too many requests ({limit_name}); retry in {usage['time_left']} s."
    extensions = {"code": RATE_LIMITED, "reason": "TOO_MANY_REQUESTS", "limit": limit_name}
    if request.path.startswith("/graphql"):
        body = {"errors": [{"message": message, "extensions": extensions}], "data": None}
    else:
        body = {
            "status": 429,
            "message": message,
            "code": RATE_LIMITED,
            "reason": "TOO_MANY_REQUESTS",
            "limit": limit_name,
        }
    response = HttpResponse(json.dumps(body), status=429, content_type="application/json")
    response["Retry-After"] = str(max(1, usage["time_left"]))
    return response


class RateLimitMiddleware:
    """Apply the limits above to ``/graphql`` and ``/api/`` (``RATE_LIMIT_ENABLED`` switches them off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.RATE_LIMIT_ENABLED or not request.path.startswith(LIMITED_PATHS):
            return self.get_response(request)
        key, rate = caller_key(request)
        try:
            usage = _usage(request, "api", key, rate)
            limit_name = "user" if key.startswith("user:") else "anonymous"
            if usage is None:  # django-ratelimit could not count (RATELIMIT_FAIL_OPEN)
                raise LookupError("no usage")
            if not usage["should_limit"] and request.content_type == "multipart/form-data":
                upload = _usage(request, "upload", key, settings.RATE_LIMIT_UPLOAD)
                if upload is not None and upload["should_limit"]:
                    usage, limit_name = upload, "upload"
        except Exception:  # noqa: BLE001 - any cache failure: the limiter fails open, the request is served
            logger.warning("rate limiter unavailable (cache down?): request served unlimited", exc_info=True)
            count_error("RATE_LIMIT_UNAVAILABLE")
            return self.get_response(request)
        response = _refusal(request, usage, limit_name) if usage["should_limit"] else self.get_response(request)
        response["X-RateLimit-Limit"] = str(usage["limit"])
        response["X-RateLimit-Remaining"] = str(max(0, usage["limit"] - usage["count"]))
        response["X-RateLimit-Reset"] = str(usage["time_left"])
        return response
