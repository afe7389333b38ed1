"""Request context: ``X-Correlation-Id`` in and out, ``X-Response-Time``, one structured log line a request
(correlation id, GraphQL operation name, user id — never emails, phones or IP addresses) and the GraphQL
request metrics of ``monoql.observability``."""

import json
import logging
import re
import time
import uuid

from csp.middleware import CSPMiddleware
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse

from monoql.errors import RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE
from monoql.observability import observe_graphql

logger = logging.getLogger("monoql.request")
_CORRELATION_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
#: Signed download links carry their token in the path: logs keep the route, never the token.
_SIGNED_SEGMENT = re.compile(r"(/download/)[^/]+")
_QUIET_PATHS = ("/heartbeat", "/metrics", "/static/", "/favicon.ico")


def _user_id(request):
    session = getattr(request, "viewer_session", None)
    fan = getattr(session, "_fan", None) if session is not None else None
    return getattr(fan, "pk", None)


class RequestContextMiddleware:
    """Echo (or create) the correlation id, time the request and log it with the GraphQL operation name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.headers.get("X-Correlation-Id", "")
        request.correlation_id = incoming if _CORRELATION_RE.match(incoming) else str(uuid.uuid4())
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        elapsed_ms = elapsed * 1000
        operation_name = getattr(request, "graphql_operation_name", None)
        if request.path == "/graphql":
            observe_graphql(operation_name, response.status_code, elapsed)
        response["X-Correlation-Id"] = request.correlation_id
        response["X-Response-Time"] = f"{elapsed_ms:.1f}ms"
        if not request.path.startswith(_QUIET_PATHS):
            logger.info(
                "request",
                extra={
                    "correlation_id": request.correlation_id,
                    "method": request.method,
                    "path": _SIGNED_SEGMENT.sub(r"\1[signed]", request.path),
                    "status": response.status_code,
                    "duration_ms": round(elapsed_ms, 1),
                    "operation_name": operation_name,
                    "user_id": _user_id(request),
                },
            )
        return response


class ServiceUnavailableMiddleware:
    """A database outage in a view answers 503 with ``Retry-After`` — JSON with ``code: SERVICE_UNAVAILABLE``
    on ``/graphql`` and ``/api/`` (an API client never gets HTML), a short text elsewhere — instead of a 500
    or an HTML error page. (GraphQL and REST shape their own outages the same way.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.error("database unavailable", exc_info=exception)
            return unavailable_response(request)
        return None


def unavailable_response(request) -> HttpResponse:
    """The 503 answer of an outage, shaped for the path's clients."""
    message = "The service is unavailable; retry shortly."
    body: dict
    if request.path.startswith("/graphql"):
        body = {"errors": [{"message": message, "extensions": {"code": SERVICE_UNAVAILABLE}}], "data": None}
        response = HttpResponse(json.dumps(body), status=503, content_type="application/json")
    elif request.path.startswith("/api/"):
        body = {"status": 503, "message": message, "code": SERVICE_UNAVAILABLE}
        response = HttpResponse(json.dumps(body), status=503, content_type="application/json")
    else:
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


#: Paths of API clients: a call there with ``Authorization: Bearer`` carries no cookie worth protecting.
API_PATHS = ("/graphql", "/api/")


def is_header_api_call(request) -> bool:
    """True for a ``/graphql`` or ``/api/`` call authenticated by an ``Authorization: Bearer`` header.

    Such a call proves itself with the header, not with cookies: it needs no Django session, no staff user,
    no flash messages and no CSRF token (a browser never adds that header on its own), so the browser-state
    middlewares below step aside for it, and ``/graphql`` mints no CSRF cookie for it (issue 23: ~10 % of a
    registration's time). Cached on the request.
    """
    flag = getattr(request, "_header_api_call", None)
    if flag is None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        flag = request.path.startswith(API_PATHS) and header[:7].lower() == "bearer "
        request._header_api_call = flag
    return flag


class _BrowserStateOnly:
    """Mixin: run the wrapped Django middleware for every request except header-authenticated API calls."""

    def __call__(self, request):
        if is_header_api_call(request):
            return self.get_response(request)
        return super().__call__(request)


class BrowserSessionMiddleware(_BrowserStateOnly, SessionMiddleware):
    """Django's session middleware, skipped for header-authenticated API calls."""


class BrowserAuthenticationMiddleware(_BrowserStateOnly, AuthenticationMiddleware):
    """Django's staff authentication (session based); a header-authenticated API call is no staff session:
    its ``request.user`` is anonymous (the API resolves the fan from the bearer token)."""

    def __call__(self, request):
        if is_header_api_call(request):
            request.user = AnonymousUser()
        return super().__call__(request)


class BrowserMessageMiddleware(_BrowserStateOnly, MessageMiddleware):
    """Django's flash messages (admin and console pages), skipped for header-authenticated API calls."""


class PageSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's Content-Security-Policy on HTML pages only (the admin, GraphiQL; the fan site sets its own):
    API answers (JSON, CSV, files) carry no page to protect, so the registration hot path skips building it."""

    def process_request(self, request):
        return None  # no nonce: no page of ours needs one (no inline script)

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
