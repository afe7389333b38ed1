"""Plain HTTP views: health check."""

from django.db import connection
from django.http import JsonResponse


def heartbeat(request):
    """``GET /heartbeat``: 200 ``{"status": "ok", "database": "ok"}`` when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
