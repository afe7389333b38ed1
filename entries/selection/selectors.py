"""Reads of selection results: what a fan sees, and the lists staff read (catalog §3.7, §3.6.7)."""

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from codes.models import Code
from entries.models import Stat, StatStatus
from entries.selection.models import Allocation, AllocationOutcome, AppliedMarket, Wave, WavePrep
from monoql.dates import iso

#: The Stat type of a market's selection (``triggerSelection``).
SELECTION_STAT = "selection"


def selection_pending(campaign_id: str) -> bool:
    """True while a selection of the campaign is PENDING or PROCESSING in any market (wave prep must wait)."""
    return Stat.objects.filter(
        campaign_id=campaign_id, type=SELECTION_STAT, status__in=[StatStatus.PENDING, StatStatus.PROCESSING]
    ).exists()


def stale_wave_prep(wave_prep: WavePrep) -> bool:
    """True when another run's selection of the campaign was applied after ``wave_prep`` read its candidates: its
    candidates may hold fans selected since (decisions.md "Wave prep and selection exclude each other")."""
    read = wave_prep.date_read or wave_prep.date_started
    if read is None:
        return False
    return (
        AppliedMarket.objects.filter(wave_prep__campaign_id=wave_prep.campaign_id, date_applied__gt=read)
        .exclude(wave_prep_id=wave_prep.pk)
        .exists()
    )


def code_revealed(campaign, market, now: datetime | None = None) -> bool:
    """Whether a selected fan may see their code now (catalog §3.6.7).

    True when ``options.showAccessCode`` is on and ``now`` is inside the presale window: from the market's
    event presale time (else the campaign's ``presaleWindowStart``) to the campaign's ``presaleWindowEnd``;
    a missing bound does not limit.
    """
    if not (campaign.options or {}).get("showAccessCode"):
        return False
    now = now or timezone.now()
    start = getattr(market, "event_presale_date_time", None) or campaign.date_presale_window_start
    end = campaign.date_presale_window_end
    return (start is None or now >= start) and (end is None or now <= end)


def fan_selection(campaign, entry, now: datetime | None = None) -> dict | None:
    """The fan's selection result in ``campaign`` (at most two queries), or None before any selection.

    Returns ``{"status": "selected", "marketId", "marketName", "code" (None until revealed),
    "codeRevealed", "assigned" (ISO-8601 UTC)}`` for a fan holding a code, ``{"status": "waitlisted",
    "marketIds": [...]}`` for a fan waitlisted by an applied selection.
    """
    code = (
        Code.objects.filter(campaign_id=campaign.pk, entry_id=entry.pk, date_assigned__isnull=False)
        .select_related("market")
        .order_by("date_assigned", "id")
        .first()
    )
    if code is not None:
        revealed = code_revealed(campaign, code.market, now)
        return {
            "status": "selected",
            "marketId": code.market_id,
            "marketName": code.market.name if code.market else None,
            "code": code.code if revealed else None,
            "codeRevealed": revealed,
            "assigned": iso(code.date_assigned),
        }
    applied = set(
        AppliedMarket.objects.filter(
            wave_prep__allocations__entry_id=entry.pk, wave_prep__allocations__outcome=AllocationOutcome.WAITLISTED
        ).values_list("market_id", flat=True)
    )
    waitlisted = [market_id for market_id in entry.market_ids if market_id in applied]
    if waitlisted:
        return {"status": "waitlisted", "marketIds": waitlisted}
    return None


def wave_preps_of(campaign_id: str):
    """The campaign's wave preps, newest first."""
    return WavePrep.objects.filter(campaign_id=campaign_id).order_by("-date_created", "-pk")


def waves_of(campaign_ids=None):
    """Waves (all, or of ``campaign_ids``), by notify date."""
    rows = Wave.objects.all()
    if campaign_ids is not None:
        rows = rows.filter(campaign_id__in=campaign_ids)
    return rows.order_by("date_notify", "pk")


def selection_funnel(campaign) -> dict:
    """The selection half of the campaign's funnel: ``{"selected", "codeAssigned", "notified"}`` — distinct
    fans selected in an applied market, fans holding an assigned code, selected fans told by email."""
    applied = AppliedMarket.objects.filter(wave_prep_id=OuterRef("wave_prep_id"), market_id=OuterRef("market_id"))
    selected = Allocation.objects.filter(wave_prep__campaign_id=campaign.pk, outcome=AllocationOutcome.SELECTED).filter(
        Exists(applied)
    )
    return {
        "selected": selected.values("entry_id").distinct().count(),
        "codeAssigned": Code.objects.filter(campaign_id=campaign.pk, date_assigned__isnull=False, entry__isnull=False)
        .values("entry_id")
        .distinct()
        .count(),
        "notified": selected.filter(date_notified__isnull=False).values("entry_id").distinct().count(),
    }


def selection_preview(wave_prep: WavePrep) -> list[dict]:
    """What applying the run's selection would send, per market, before staff confirm it in the admin:
    ``[{"id", "name", "selected", "email", "noEmail"}]`` — selected fans, those an email reaches (the selection's
    only channel) and those without an email (told on the campaign page only), in the run's market order."""
    counts = {
        row["market_id"]: row
        for row in Allocation.objects.filter(wave_prep=wave_prep, outcome=AllocationOutcome.SELECTED)
        .values("market_id")
        .annotate(selected=Count("pk"), email=Count("pk", filter=~Q(entry__email="")))
    }
    markets = []
    for market in (wave_prep.count or {}).get("markets") or []:
        row = counts.get(market["id"], {"selected": 0, "email": 0})
        markets.append(
            {
                "id": market["id"],
                "name": market.get("name") or market["id"],
                "selected": row["selected"],
                "email": row["email"],
                "noEmail": row["selected"] - row["email"],
            }
        )
    return markets
