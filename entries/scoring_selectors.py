"""Reads over scoring records: scored files, fanlist uploads, stats."""

from django.core.files.storage import default_storage

from entries.models import FanlistUpload, ScoredFile, Stat
from monoql.dates import iso


def scored_files(campaign_id: str) -> list[dict]:
    """``campaignScoredList``: ``[{date, count, verifiedCount, path, name, status, matched, unmatched}]``,
    newest first; ``path`` is a download URL of the stored file (signed when the storage is S3)."""
    return [
        {
            "date": iso(row.date_created),
            "count": row.matched,
            "verifiedCount": row.verified,
            "path": default_storage.url(row.path),
            "name": row.name,
            "status": row.status,
            "rows": row.rows,
            "matched": row.matched,
            "unmatched": row.unmatched,
        }
        for row in ScoredFile.objects.filter(campaign_id=campaign_id)
    ]


def fanlist_uploads(campaign_id: str) -> list[dict]:
    """``FanlistCampaign.uploads``: ``[{date, rows, rowsIn, status}]``, newest first."""
    return [
        {"date": iso(row.date_created), "rows": row.rows, "rowsIn": row.rows_in, "status": row.status}
        for row in FanlistUpload.objects.filter(campaign_id=campaign_id)
    ]


def stats(campaign_id: str, stat_type: str, market_id: str | None = None, date_id: str | None = None) -> list[Stat]:
    """``stats(campaignId, marketId, dateId, type)``: matching Stat rows, oldest first."""
    rows = Stat.objects.filter(campaign_id=campaign_id, type=stat_type)
    if market_id is not None:
        rows = rows.filter(market_id=market_id)
    if date_id is not None:
        rows = rows.filter(date_id=date_id)
    return list(rows.order_by("date_created", "pk"))
