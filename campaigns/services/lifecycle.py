"""Campaign status refresh (catalog §3.1; decisions.md "Campaigns" #1, #2).

Transitions, each a conditional atomic update that two concurrent runs cannot apply twice:
- open: DRAFT/PREVIEW with ``date.open <= now`` → OPEN; ``date.opened = now``, ``date.open``/``domain.preview`` cleared;
- close: OPEN with ``date.close <= now`` → CLOSED; ``date.closed = now``, ``date.close``/``domain.preview`` cleared;
- deactivate: CLOSED with ``date.closed <= now − 30 days`` → INACTIVE; ``date.inactivated = now``,
  ``domain.site`` released (null).
Every transition is recorded in ``CampaignStatusChange``, invalidates cached campaign reads and emits a
``campaign.statusChanged`` outbound event (Slack announces openings when configured).

A campaign due to open that misses what it needs (``campaign_rules.publish_problems``: domain, close
date, a market, default-locale content, a contact field) stays where it is; the refusal is logged and
reported once per open date as ``campaign.openRefused`` (Slack posts it when configured).
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.cache import bump_generation
from campaigns.cdn import surrogate_keys
from campaigns.models import Campaign, CampaignStatus, CampaignStatusChange, OutboundEvent
from campaigns.services.campaign_rules import publish_problems
from campaigns.services.outbox import record_event, record_purge
from monoql.audit import Actor, record
from monoql.dates import iso
from monoql.queue import enqueue_on_commit

logger = logging.getLogger("monoql.campaigns.lifecycle")

DEACTIVATE_AFTER = timedelta(days=30)


@dataclass
class RefreshResult:
    """Counts of ``POST /campaigns/refresh`` and the ids that changed, per transition."""

    opened: list = field(default_factory=list)
    #: ``[(campaign id, [missing fields])]``: due to open but not publishable (they stay where they are).
    refused: list = field(default_factory=list)
    closed: list = field(default_factory=list)
    deactivated: list = field(default_factory=list)

    def counts(self) -> dict:
        """``{"opened": n, "closed": n, "deactivated": n}``."""
        return {"opened": len(self.opened), "closed": len(self.closed), "deactivated": len(self.deactivated)}


def status_event_payload(campaign: Campaign, previous_status: str) -> dict:
    """Payload of ``campaign.statusChanged``: ``{from, to, name, domain, noAlert}``."""
    return {
        "from": previous_status,
        "to": campaign.status,
        "name": campaign.name,
        "domain": campaign.domain_site,
        "noAlert": bool((campaign.slack or {}).get("noAlert")),
    }


def _refuse_unpublishable(due: Q, now, result: RefreshResult) -> list[str]:
    """Report the campaigns due to open that ``publish_problems`` refuses; return their ids (left as they are).

    Each refusal is logged, and recorded once per open date as an outbound ``campaign.openRefused`` event
    (``{name, dateOpen, missing}``; Slack posts it when configured).
    """
    refused = []
    due_campaigns = Campaign.objects.filter(due, status__in=[CampaignStatus.DRAFT, CampaignStatus.PREVIEW])
    for campaign in due_campaigns:
        problems = publish_problems(campaign)
        if not problems:
            continue
        missing = [name for name, _ in problems]
        refused.append(campaign.pk)
        result.refused.append((campaign.pk, missing))
        logger.warning("campaign %s is due to open but misses %s: left %s", campaign.pk, missing, campaign.status)
        date_open = iso(campaign.date_open)
        reported = OutboundEvent.objects.filter(
            campaign_id=campaign.pk, event_type="campaign.openRefused", payload__dateOpen=date_open
        ).exists()
        if not reported:
            payload = {"name": campaign.name, "dateOpen": date_open, "missing": missing, "status": campaign.status}
            record_event("campaign.openRefused", campaign_id=campaign.pk, payload=payload)
    return refused


#: The task scoring a campaign's entries when it closes (``entries.score_campaign``; queued by name).
SCORE_AT_CLOSE_TASK = "entries.score_campaign"


def history_source(actor: Actor) -> str:
    """The status history's ``source`` for an actor: ``channel:fan id`` or ``channel:label``."""
    return f"{actor.channel}:{actor.fan_id or actor.label}"[:64]


def _transition(due: Q, from_statuses, to_status, changes: dict, now, actor: Actor, exclude=()) -> list[str]:
    """Move due campaigns from ``from_statuses`` to ``to_status``; return the ids moved by this call. Each campaign
    moved gets one audit-log row (``campaign.status``)."""
    source = history_source(actor)
    with transaction.atomic():
        rows = list(
            Campaign.objects.select_for_update(skip_locked=True)
            .filter(due, status__in=from_statuses)
            .exclude(pk__in=list(exclude))
            .values_list("id", "status", "domain_site", "domain_preview")
        )
        moved = []
        for campaign_id, from_status, domain_site, domain_preview in rows:
            # Conditional: a concurrent run that got here first leaves nothing to update.
            if Campaign.objects.filter(due, pk=campaign_id, status=from_status).update(
                status=to_status, date_updated=now, **changes
            ):
                moved.append((campaign_id, from_status))
                # Queryset updates send no signals: purge the fan site's pages under the domains the campaign had
                # (a deactivation releases its site domain, a close or an open its preview domain).
                keys = surrogate_keys(campaign_id, domain_site or "")
                keys += surrogate_keys(campaign_id, domain_preview)[1:] if domain_preview else []
                record_purge(campaign_id, keys)
        CampaignStatusChange.objects.bulk_create(
            CampaignStatusChange(campaign_id=cid, from_status=old, to_status=to_status, date=now, source=source)
            for cid, old in moved
        )
        if moved:
            # Queryset updates send no signals: invalidate cached reads and emit the events here.
            bump_generation()
            campaigns = Campaign.objects.only("name", "status", "slack", "domain_site").in_bulk(
                [cid for cid, _ in moved]
            )
            for cid, old in moved:
                record_event(
                    "campaign.statusChanged", campaign_id=cid, payload=status_event_payload(campaigns[cid], old)
                )
                if to_status == CampaignStatus.CLOSED:
                    # the bot score sees the whole crowd once registration is over (entries.services.bot_score)
                    enqueue_on_commit(SCORE_AT_CLOSE_TASK, cid)
                record(
                    actor,
                    "campaign.status",
                    campaign_id=cid,
                    target=f"campaign:{cid}",
                    changes={"status": [old, to_status]},
                )
    return [cid for cid, _ in moved]


def refresh_campaign_statuses(*, actor: Actor, now=None) -> RefreshResult:
    """Apply every due status transition (see module doc).

    Args:
        now: the time to refresh at (UTC datetime), default now.
        actor: who ran it (the beat, a command, a staff member over REST or in the admin): the status history's
            source and the audit-log row of each campaign moved (a run that moves nothing writes none).
    Returns: RefreshResult with the ids opened, closed and deactivated by this run, and the campaigns due to
        open that the publish rule refused (``campaign_rules.publish_problems``: they stay DRAFT/PREVIEW).
    """
    now = now or timezone.now()
    result = RefreshResult()
    due_to_open = Q(date_open__isnull=False, date_open__lte=now)
    result.opened = _transition(
        due_to_open,
        [CampaignStatus.DRAFT, CampaignStatus.PREVIEW],
        CampaignStatus.OPEN,
        {"date_opened": now, "date_open": None, "domain_preview": None},
        now,
        actor,
        exclude=_refuse_unpublishable(due_to_open, now, result),
    )
    result.closed = _transition(
        Q(date_close__isnull=False, date_close__lte=now),
        [CampaignStatus.OPEN],
        CampaignStatus.CLOSED,
        {"date_closed": now, "date_close": None, "domain_preview": None},
        now,
        actor,
    )
    result.deactivated = _transition(
        Q(date_closed__isnull=False, date_closed__lte=now - DEACTIVATE_AFTER),
        [CampaignStatus.CLOSED],
        CampaignStatus.INACTIVE,
        {"date_inactivated": now, "domain_site": None},
        now,
        actor,
    )
    return result
