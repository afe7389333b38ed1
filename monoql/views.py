"""Plain HTTP views: health check, Prometheus metrics, campaign images (embedded default)."""

import hmac
import mimetypes
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage, storages
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse

from monoql.storage import key_from_token


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    key = f"heartbeat:{uuid.uuid4().hex}"
    cache.set(key, "1", 5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not keep a value")
    cache.delete(key)
    return "ok"


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"  # embedded default: tasks run in the request, there is no broker
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=1) as conn:
        conn.ensure_connection(max_retries=1, timeout=1)
    return "ok"


def heartbeat(request):
    """``GET /heartbeat``: the database, the cache and the Celery broker.

    200 ``{"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"|"eager"}``; 503 with
    ``"status": "unavailable"`` and the failing part(s) marked ``"unreachable"``.
    """
    body, healthy = {}, True
    for name, check in (("database", _database), ("cache", _cache), ("broker", _broker)):
        try:
            body[name] = check()
        except Exception:  # noqa: BLE001 - any failure of a part means unhealthy
            body[name], healthy = "unreachable", False
    body = {"status": "ok" if healthy else "unavailable", **body}
    return JsonResponse(body, status=200 if healthy else 503)


def metrics(request):
    """``GET /metrics``: Prometheus text format (``Authorization: Bearer METRICS_TOKEN`` when one is set)."""
    if not settings.METRICS_ENABLED:
        raise Http404("Metrics are switched off.")
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            return HttpResponse("Unauthorized.\n", status=401, content_type="text/plain")
    from monoql.observability import exposition

    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)


def campaign_image(request, path):
    """Serve a public campaign image from the ``images`` storage (embedded default; S3 serves its own)."""
    storage = storages["images"]
    name = f"images/{path}"
    if not storage.exists(name):
        raise Http404("No such image.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def download_file(request, token):
    """Serve a private storage file (e.g. a prepped wave prep zip) for a valid, unexpired signed token.

    ``GET /api/files/download/<token>`` (``monoql.storage.signed_key_url``); a bad, expired or dangling
    token answers 404.
    """
    key = key_from_token(token)
    if not key or not default_storage.exists(key):
        raise Http404("No such file.")
    return FileResponse(default_storage.open(key, "rb"), as_attachment=True, filename=key.rsplit("/", 1)[-1])
