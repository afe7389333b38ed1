"""Periodic Slack stats posts (catalog §3.10 ``slackStats``: every 30 minutes, a campaign's registration stats
to its ``slack.channels.stats`` unless ``slack.noAlert``), sent through the outbox (``campaign.stats`` events,
delivered by ``campaigns.sinks.SlackSink``)."""

from django.db import transaction

from campaigns.models import Campaign, CampaignStatus, Market
from campaigns.services.outbox import record_event
from entries.metrics import counted_entries, entries_by_market_preference, verified_entries

POST_TASK = "entries.post_campaign_stats"


def stats_payload(campaign: Campaign) -> dict:
    """``{name, entries, verified, markets: [{id, name, entries (any rank), firstChoice}]}`` of a campaign."""
    by_market = {row["id"]: row["counts"] for row in entries_by_market_preference(campaign)}
    markets = [
        {
            "id": market.pk,
            "name": market.name,
            "entries": sum(by_market.get(market.pk, [])),
            "firstChoice": (by_market.get(market.pk) or [0])[0],
        }
        for market in Market.objects.filter(campaign=campaign).order_by("name", "pk")
    ]
    return {
        "name": campaign.name,
        "entries": counted_entries(campaign).count(),
        "verified": verified_entries(campaign).count(),
        "markets": markets,
    }


def post_campaign_stats() -> list[str]:
    """Record a ``campaign.stats`` event for every OPEN campaign with ``slack.channels.stats`` and no
    ``slack.noAlert``; returns their ids."""
    posted = []
    for campaign in Campaign.objects.filter(status=CampaignStatus.OPEN).order_by("pk"):
        slack = campaign.slack or {}
        if slack.get("noAlert") or not (slack.get("channels") or {}).get("stats"):
            continue
        with transaction.atomic():
            record_event("campaign.stats", campaign_id=campaign.pk, payload=stats_payload(campaign))
        posted.append(campaign.pk)
    return posted
