"""The ``Export`` document shown by GraphQL and REST (catalog §1.4 ``Export``, §2.4)."""

from exports.services.files import signed_url
from monoql.dates import iso


def export_document(export, request=None) -> dict:
    """``{id, campaignId, exportType, date{created, pending, triggered, started, finished, failed, expired},
    status, count, rowsWritten, requesterUserId, error{message, payload, stack}, path (signed URL, fresh
    each read), dateKey, size, checksum, includeAllMarkets}``."""
    error = None
    if export.error_message:
        payload = export.error_payload or {}
        error = {"message": export.error_message, "payload": {"type": payload.get("type")}, "stack": None}
    return {
        "id": export.pk,
        "campaignId": export.campaign_id,
        "exportType": export.export_type,
        "date": {
            "created": iso(export.date_created),
            "pending": iso(export.date_created),
            "triggered": iso(export.date_triggered),
            "started": iso(export.date_triggered),
            "finished": iso(export.date_finished),
            "failed": iso(export.date_failed),
            "expired": iso(export.date_expired),
        },
        "status": export.status,
        "count": export.count,
        "rowsWritten": export.rows_written,
        "requesterUserId": export.requester_user_id,
        "error": error,
        "path": signed_url(export, request),
        "dateKey": export.date_key or None,
        "size": export.size,
        "checksum": export.checksum or None,
        "includeAllMarkets": export.include_all_markets,
    }
