"""The campaign dashboard's numbers, read through each app's selectors (the same as the GraphQL metrics):
registrations over time, the funnel, demand per market against capacity and codes, the code inventory,
and the latest jobs (wave preps, selections, exports, waves, code uploads) with their live status."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from campaigns.models import Campaign
from codes.models import Code, CodeType, CodeUpload
from codes.services.inventory import count_codes
from entries.metrics import (
    entries_by_market_preference,
    registered_by_market,
    registration_funnel,
    registrations_over_time,
)
from entries.models import ScoreRun
from entries.scoring_selectors import bot_score_distribution, stats
from entries.selection.selectors import selection_funnel, wave_preps_of, waves_of
from entries.selection.services.selection import latest_finished_wave_prep
from exports.selectors import exports_of
from monoql.dates import iso
from monoql.jobs import counts_in_words
from monoql.models import DashboardSnapshot

#: Celery task name of the beat's snapshot refresh (``monoql.tasks``).
REFRESH_TASK = "console.refresh_dashboard_snapshots"


def funnel(campaign) -> list[tuple[str, int]]:
    """``[(step, fans)]``: registered → phone-confirmed → verified → eligible → selected → code assigned → notified."""
    registration = registration_funnel(campaign)
    selection = selection_funnel(campaign)
    return [
        ("Registered", registration["registered"]),
        ("Phone confirmed", registration["phoneConfirmed"]),
        ("Verified (verdict, score)", registration["verified"]),
        ("Eligible", registration["eligible"]),
        ("Selected", selection["selected"]),
        ("Code assigned", selection["codeAssigned"]),
        ("Notified", selection["notified"]),
    ]


def demand(campaign) -> list[dict]:
    """Per market: counted fans by choice rank (1st..4th: phone-confirmed when the campaign asks for it, as the
    metrics count), every registered fan who chose it, capacity (the market's population, else the latest
    finished wave prep's capacity) and codes (pinned to it / assigned)."""
    counts = {row["id"]: row["counts"] for row in entries_by_market_preference(campaign)}
    registered = {row["id"]: sum(row["counts"]) for row in registered_by_market(campaign)}
    latest = latest_finished_wave_prep(campaign.pk)
    planned = {row["id"]: row.get("capacity") for row in ((latest.count or {}).get("markets") or [])} if latest else {}
    codes: dict[str, dict] = {
        row["market_id"]: dict(row)
        for row in Code.objects.filter(campaign_id=campaign.pk, market__isnull=False)
        .values("market_id")
        .annotate(total=Count("id"), assigned=Count("id", filter=Q(date_assigned__isnull=False)))
    }
    rows = []
    for market in campaign.markets.order_by("event_date", "name"):
        ranks = counts.get(market.pk, [0, 0, 0, 0])
        rows.append(
            {
                "id": market.pk,
                "name": market.name,
                "ranks": ranks,
                "total": sum(ranks),
                "registered": registered.get(market.pk, 0),
                "capacity": market.population if market.population is not None else planned.get(market.pk),
                "codes": codes.get(market.pk, {}).get("total", 0),
                "assigned": codes.get(market.pk, {}).get("assigned", 0),
            }
        )
    return rows


def inventory(campaign) -> list[dict]:
    """The code inventory by type: ``[{type, available, reserved, assigned}]`` (``codes.count``)."""
    return [{"type": code_type, **count_codes(campaign.pk, code_type)} for code_type in CodeType.values]


#: A market selection's counts shown on the dashboard, in this order; the named conflicts only when not 0.
_SELECTION_COUNTS = ("assigned", "released", "notified")
_SELECTION_CONFLICTS = ("alreadyHolding", "releasedFromPlan", "conflicts")


def _selection_counts(count: dict | None) -> dict | None:
    """What a selection Stat's row shows: assigned, released, notified, and the conflicts that happened (codes
    staff released from the plan, fans already holding a code, fans left without one)."""
    if not count:
        return None
    shown = {key: count.get(key, 0) for key in _SELECTION_COUNTS}
    return {**shown, **{key: count[key] for key in _SELECTION_CONFLICTS if count.get(key)}}


#: A bot score run's stages (``score_campaign``'s ``report``), numbered for its progress bar.
SCORE_STAGES = {
    "reading the entries": 1,
    "computing the signals": 2,
    "writing the contributions": 3,
    "writing the scores": 4,
}


def jobs(campaign) -> dict:
    """The latest long jobs of the campaign, as JSON-ready rows: status, progress, who asked, counts, errors."""
    wave_preps = [
        {
            "id": run.pk,
            "kind": "wave prep",
            "name": run.date_key,
            "status": run.status,
            "progress": run.progress or {},
            "requestedBy": run.requested_by.email if run.requested_by else "",
            "created": iso(run.date_created),
            "counts": {"selected": run.count.get("selected"), "waitlisted": run.count.get("waitlisted")}
            if run.count
            else None,
            "error": run.error,
        }
        for run in wave_preps_of(campaign.pk).select_related("requested_by")[:5]
    ]
    exports = [
        {
            "id": export.pk,
            "kind": "export",
            "name": export.export_type,
            "status": export.status,
            "progress": {"rows": export.rows_written, "total": export.count},
            "requestedBy": export.requester_user_id,
            "created": iso(export.date_created),
            "error": export.error_message,
        }
        for export in exports_of(campaign.pk)[:5]
    ]
    waves = [
        {
            "id": wave.pk,
            "kind": "wave",
            "name": wave.name,
            "status": wave.status,
            "created": iso(wave.date_created),
            "counts": wave.count,
            "error": wave.error,
        }
        for wave in waves_of([campaign.pk]).order_by("-date_created")[:5]
    ]
    selections = [
        {
            "kind": "selection",
            "name": row.market_id,
            "status": row.status,
            "created": iso(row.date_updated),
            "counts": _selection_counts(row.count),
            "error": "; ".join(error.get("message", "") for error in row.errors or []),
        }
        for row in list(reversed(stats(campaign.pk, "selection")))[:5]
    ]
    uploads = [
        {
            "id": job.pk,
            "kind": "code upload",
            "name": f"{job.file_name or job.type} ({job.type})",
            "status": job.status,
            "progress": {"rows": job.rows_read, "total": None},
            "requestedBy": job.actor_label,
            "created": iso(job.date_created),
            "counts": {"codes": (job.count or {}).get("in"), "new": (job.count or {}).get("inserted")}
            if job.count
            else None,
            "error": (job.error or {}).get("message") if job.error else None,
        }
        for job in CodeUpload.objects.filter(campaign_id=campaign.pk).order_by("-date_created")[:5]
    ]
    scoring = [
        {
            "id": run.pk,
            "kind": "bot score",
            "name": run.get_kind_display(),
            "status": run.status,
            "progress": {"stage": run.stage, "steps": 4, "step": SCORE_STAGES.get(run.stage, 0)} if run.stage else {},
            "requestedBy": run.actor_label,
            "created": iso(run.date_created),
            "counts": (run.summary or {}).get("bands"),
            "error": run.error if run.status == "FAILED" else None,
        }
        for run in ScoreRun.objects.filter(campaign_id=campaign.pk).order_by("-date_created")[:5]
    ]
    groups = {
        "wavePreps": wave_preps,
        "selections": selections,
        "exports": exports,
        "waves": waves,
        "uploads": uploads,
        "scoring": scoring,
    }
    for group in groups.values():
        for job in group:
            job["summary"] = counts_in_words(job.get("counts"), job.get("error"))
    return groups


def registrations_chart_points(campaign, unit: str) -> list[tuple[str, int]]:
    """Registrations per hour over the last 48 hours, or per day over the last 30 days, as chart points."""
    now = timezone.now()
    since = now - (timedelta(hours=48) if unit == "hour" else timedelta(days=30))
    fmt = "%d %b %H:00" if unit == "hour" else "%d %b"
    return [
        (row["at"].strftime(fmt), row["count"]) for row in registrations_over_time(campaign, unit=unit, since=since)
    ]


def numbers(campaign) -> dict:
    """Every number of the dashboard but the jobs (JSON-ready): ``{perHour, perDay, funnel, demand, inventory}``."""
    return {
        "perHour": registrations_chart_points(campaign, "hour"),
        "perDay": registrations_chart_points(campaign, "day"),
        "funnel": funnel(campaign),
        "demand": demand(campaign),
        "inventory": inventory(campaign),
        "botScore": bot_score_distribution(campaign),
    }


def is_large(campaign) -> bool:
    """True when the campaign has ``DASHBOARD_SNAPSHOT_MIN_ENTRIES`` entries or more (its dashboard reads a snapshot)."""
    minimum = settings.DASHBOARD_SNAPSHOT_MIN_ENTRIES
    return campaign.entries.all()[minimum - 1 : minimum].exists()


def store_snapshot(campaign) -> DashboardSnapshot:
    """Compute the campaign's numbers now and keep them as its snapshot."""
    snapshot, _ = DashboardSnapshot.objects.update_or_create(
        campaign=campaign, defaults={"data": numbers(campaign), "date_computed": timezone.now()}
    )
    return snapshot


def numbers_for_page(campaign) -> tuple[dict, object]:
    """The numbers the dashboard shows and when they were computed (None: now, live).

    A large campaign reads its snapshot when it is younger than ``DASHBOARD_SNAPSHOT_MAX_AGE_SECONDS``; with
    none (or an old one) the numbers are computed now and stored, so the next view is instant.
    """
    snapshot = DashboardSnapshot.objects.filter(campaign=campaign).first()
    fresh = timezone.now() - timedelta(seconds=settings.DASHBOARD_SNAPSHOT_MAX_AGE_SECONDS)
    if snapshot is not None and snapshot.date_computed >= fresh:
        return snapshot.data, snapshot.date_computed
    if is_large(campaign):
        snapshot = store_snapshot(campaign)
        return snapshot.data, snapshot.date_computed
    return numbers(campaign), None


def refresh_snapshots() -> int:
    """Recompute the snapshot of every open or closed campaign that is large (the beat's task). Returns how many."""
    refreshed = 0
    for campaign in Campaign.objects.filter(status__in=["OPEN", "CLOSED"]):
        if is_large(campaign):
            store_snapshot(campaign)
            refreshed += 1
    return refreshed
