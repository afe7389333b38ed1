"""``upsertStat`` (catalog §3.10): create or update one stats document."""

import copy

from django.db import transaction

from campaigns.reasons import CampaignsReason
from campaigns.selectors import campaign_or_404
from entries.models import Stat, StatStatus
from entries.reasons import EntriesReason
from monoql.audit import Actor, model_diff, record
from monoql.errors import NotFound, ValidationFailed

STAT_TYPES = ("filterList", "selection")


def upsert_stat(
    *,
    campaign_id: str,
    stat_type: str,
    date_id: str,
    market_id: str | None = None,
    status: str | None = None,
    meta=None,
    count=None,
    actor: Actor,
) -> Stat:
    """Create or update the Stat keyed ``(campaign, market, dateId, type)``; absent arguments keep their value.

    Args:
        stat_type: ``filterList`` or ``selection`` (``StatsType``).
        status: ``PENDING|PROCESSING|FINISHED|FAILED`` or None.
        meta / count: free JSON, or None to keep.
        actor: who writes it (one audit-log row, ``stat.upsert``, with the fields' before and after).
    Raises: NotFound ``CAMPAIGN_NOT_FOUND`` / ``MARKET_NOT_FOUND``; ValidationFailed ``INVALID_STATUS``
        (field ``status``), ``INVALID_DATE_ID`` (field ``dateId``), ``INVALID_TYPE`` (field ``type``).
    """
    if stat_type not in STAT_TYPES:
        raise ValidationFailed("type must be filterList or selection.", reason=EntriesReason.INVALID_TYPE, field="type")
    if not isinstance(date_id, str) or not date_id.strip() or len(date_id) > 64:
        raise ValidationFailed("dateId must be 1–64 characters.", reason=EntriesReason.INVALID_DATE_ID, field="dateId")
    if status is not None and status not in StatStatus.values:
        raise ValidationFailed(
            f"status must be one of {', '.join(StatStatus.values)}.",
            reason=EntriesReason.INVALID_STATUS,
            field="status",
        )
    campaign = campaign_or_404(campaign_id)
    if market_id and not campaign.markets.filter(pk=str(market_id)).exists():
        raise NotFound("No such market in this campaign.", reason=CampaignsReason.MARKET_NOT_FOUND, field="marketId")
    with transaction.atomic():
        stat, created = Stat.objects.select_for_update().get_or_create(
            campaign=campaign, market_id=str(market_id or ""), date_id=date_id.strip(), type=stat_type
        )
        before = None if created else copy.copy(stat)
        if status is not None:
            stat.status = status
        if meta is not None:
            stat.meta = meta
        if count is not None:
            stat.count = count
        stat.save()
        record(
            actor,
            "stat.upsert",
            campaign_id=campaign.pk,
            target=f"stat:{stat.pk}",
            changes=model_diff(before, stat),
        )
    return stat
