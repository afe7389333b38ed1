"""Reads over scoring records: scored files, fanlist uploads, stats."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.db.models import Avg, Count, Q
from django.utils import timezone

from entries.models import BotScore, Entry, FanlistUpload, ScoreContribution, ScoredFile, ScoreSignal, Stat
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
_UNITS: dict[int, str] = {
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


#: The window of "moved band lately" on the dashboard.
MOVED_WINDOW = timedelta(hours=1)


def bot_score_distribution(campaign, now=None) -> dict:
    """The campaign's bot score as the dashboard shows it (issue 41), JSON-ready:
    ``{"bands": {"high", "mid", "low", "unscored"}`` (entries by their bot score's band: ≥ 0.95, ≥ 0.80, below, none
    yet), ``"signals": [{"signal", "label", "entries", "points"}]`` (entries each signal took points from, and its
    average points), ``"moved": n`` entries whose band changed in the last hour, ``"movedEntries": [{"id", "score",
    "band", "at"}]`` (the 10 latest)}``."""
    now = now or timezone.now()
    rows = Entry.objects.filter(campaign=campaign)
    bands = rows.aggregate(
        high=Count("pk", filter=Q(bot_score__score__gte=0.95)),
        mid=Count("pk", filter=Q(bot_score__score__gte=0.80, bot_score__score__lt=0.95)),
        low=Count("pk", filter=Q(bot_score__score__lt=0.80)),
        unscored=Count("pk", filter=Q(bot_score__isnull=True)),
    )
    signals = [
        {
            "signal": row["signal"],
            "label": ScoreSignal(row["signal"]).label,
            "entries": row["entries"],
            "points": round(row["points"] or 0.0, 3),
        }
        for row in ScoreContribution.objects.filter(entry__campaign=campaign)
        .values("signal")
        .annotate(entries=Count("entry_id"), points=Avg("points"))
        .order_by("-entries", "signal")
    ]
    recent = BotScore.objects.filter(entry__campaign=campaign, date_band_changed__gte=now - MOVED_WINDOW)
    latest = recent.order_by("-date_band_changed", "-entry_id")[:10]
    return {
        "bands": bands,
        "signals": signals,
        "moved": recent.count(),
        "movedEntries": [
            {"id": row.entry_id, "score": row.score, "band": band_of(row.score), "at": iso(row.date_band_changed)}
            for row in latest
        ],
    }


def band_of(score: float | None) -> str:
    """``high`` (≥ 0.95), ``mid`` (≥ 0.80), ``low``, or ``unscored``."""
    if score is None:
        return "unscored"
    return "high" if score >= 0.95 else "mid" if score >= 0.80 else "low"
