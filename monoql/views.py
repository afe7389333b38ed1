"""Plain HTTP views: health check, campaign images (embedded default)."""

import mimetypes

from django.core.files.storage import storages
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse


def heartbeat(request):
    """``GET /heartbeat``: 200 ``{"status": "ok", "database": "ok"}`` when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


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
