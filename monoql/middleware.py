"""Request context: ``X-Correlation-Id`` in and out, ``X-Response-Time``, one structured log line a request
(correlation id, GraphQL operation name, user id — never emails, phones or IP addresses) and the GraphQL
request metrics of ``monoql.observability``."""

import json
import logging
import re
import time
import uuid

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
