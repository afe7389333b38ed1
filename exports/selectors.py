"""Export reads."""

from exports.models import Export
from exports.reasons import ExportsReason
from monoql.errors import NotFound

MAX_LIMIT = 200


def export_in_campaign(campaign_id: str, export_id: str) -> Export:
    """Return the export. Raises NotFound ``ExportNotFound`` (field ``exportId``)."""
    export = Export.objects.filter(campaign_id=str(campaign_id), pk=str(export_id)).first()
    if export is None:
        raise NotFound("Export not found.", reason=ExportsReason.ExportNotFound, field="exportId")
    return export


def exports_of(campaign_id: str, *, export_type: str | None = None, limit: int | None = None, skip: int | None = None):
    """The campaign's exports, newest first; ``limit`` capped at 200 (default 50), ``skip`` ≥ 0."""
    rows = Export.objects.filter(campaign_id=str(campaign_id))
    if export_type:
        rows = rows.filter(export_type=export_type)
    skip = max(0, skip or 0)
    limit = min(MAX_LIMIT, max(1, limit or 50))
    return list(rows.order_by("-date_created", "-pk")[skip : skip + limit])
