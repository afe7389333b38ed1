"""Reads over scoring records: scored files, fanlist uploads, stats."""

from django.core.files.storage import default_storage

from entries.models import FanlistUpload, ScoreContribution, ScoredFile, ScoreSignal, Stat
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


def score_explanation(entry_id: int) -> list[dict]:
    """Why an entry has its bot score: ``[{"signal": label, "value": what it saw, in words, "points": taken off}]``,
    the largest first (``entries.services.bot_score``); empty when nothing took points off (or it was never scored)."""
    rows = ScoreContribution.objects.filter(entry_id=entry_id).order_by("-points", "signal")
    return [
        {"signal": ScoreSignal(row.signal).label, "value": shown(row.signal, row.value), "points": round(row.points, 3)}
        for row in rows
    ]


#: How each signal's value reads to staff.
_UNITS = {
    ScoreSignal.SHARED_PHONE: "{:g} fans",
    ScoreSignal.PHONE_RANGE: "{:g} fans",
    ScoreSignal.SHARED_MAILBOX: "{:g} accounts",
    ScoreSignal.BLOCK_BURST: "{:g} more than its share",
    ScoreSignal.BLOCK_BROWSER: "{:g} more than its share",
    ScoreSignal.ACCOUNT_AGE: "{:.1f} days old",
    ScoreSignal.COMPLETION_TIME: "{:g} ms",
    ScoreSignal.PAST_BLOCKED: "{:g} campaigns",
}


def shown(signal: int, value: float) -> str:
    """A contribution's value in words: "yes" for the signals that are there or not, a count or a duration with its
    unit otherwise, "unknown" for a value that was not given."""
    if value != value:
        return "unknown"
    unit = _UNITS.get(signal)
    if unit is None:
        return "yes" if value else "no"
    return unit.format(round(value, 1))
