"""Request context: ``X-Correlation-Id`` in and out, ``X-Response-Time``, one structured log line a request."""

import logging
import re
import time
import uuid

logger = logging.getLogger("monoql.request")
_CORRELATION_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_QUIET_PATHS = ("/heartbeat", "/static/", "/favicon.ico")


class RequestContextMiddleware:
    """Echo (or create) the correlation id, time the request and log it with the GraphQL operation name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.headers.get("X-Correlation-Id", "")
        request.correlation_id = incoming if _CORRELATION_RE.match(incoming) else str(uuid.uuid4())
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["X-Correlation-Id"] = request.correlation_id
        response["X-Response-Time"] = f"{elapsed_ms:.1f}ms"
        if not request.path.startswith(_QUIET_PATHS):
            logger.info(
                "request",
                extra={
                    "correlation_id": request.correlation_id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(elapsed_ms, 1),
                    "operation_name": getattr(request, "graphql_operation_name", None),
                    "remote_addr": request.META.get("REMOTE_ADDR"),
                },
            )
        return response
