"""Deleting a market that fans may have chosen (catalog §1.7 ``deleteMarket``, §3.6.8 transfer).

The rule needs the entries (a chosen market is never deleted without moving its fans' choices first), so
the delete lives here, above ``campaigns``; GraphQL ``deleteMarket`` and the admin both call it.
"""

from typing import TypedDict

from django.db import transaction

from campaigns.models import Campaign, Market
from campaigns.reasons import CampaignsReason
from campaigns.services.markets import fail_market, market_document
from campaigns.services.outbox import record_event
from entries.reasons import EntriesReason
from entries.selectors import market_is_chosen
from entries.services.transfer import transfer_market_entries
from monoql.audit import Actor, record
from monoql.errors import NotFound


class MarketDeleted(TypedDict):
    """``deleteMarket``'s answer (catalog §1.7)."""

    deleted: int
    marketId: str
    transferMarketId: str | None
    modified: int


def delete_market(
    campaign_id: str, market_id: str, transfer_market_id: str | None = None, *, actor: Actor
) -> MarketDeleted:
    """Delete a market, first moving entries' choices to ``transfer_market_id`` (catalog §1.7, §3.6.8).

    A market that entries chose cannot be deleted without a transfer target (their choices would be lost). One
    audit-log row (``market.delete``: the market's name, the transfer target, the entries moved).
    Returns: ``{"deleted": 1, "marketId": id, "transferMarketId": id|None, "modified": n}``.
    Raises:
        NotFound: ``MARKET_NOT_FOUND`` (market or transfer target not in the campaign).
        ValidationFailed: ``MARKET_HAS_ENTRIES`` (field ``transferMarketId``) or transfer to itself.
    """
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=str(campaign_id)).first()
        if campaign is None:
            raise NotFound(
                f"No campaign with id '{campaign_id}'.", reason=CampaignsReason.CAMPAIGN_NOT_FOUND, field="campaignId"
            )
        market = Market.objects.select_for_update().filter(pk=str(market_id), campaign=campaign).first()
        if market is None:
            raise NotFound(
                f"No market with id '{market_id}' in this campaign.",
                reason=CampaignsReason.MARKET_NOT_FOUND,
                field="marketId",
            )
        modified = 0
        if transfer_market_id:
            if str(transfer_market_id) == market.pk:
                fail_market(
                    "A market cannot be transferred to itself.",
                    "transferMarketId",
                    EntriesReason.INVALID_MARKET_TRANSFER,
                )
            if not Market.objects.filter(pk=str(transfer_market_id), campaign=campaign).exists():
                raise NotFound(
                    f"No market with id '{transfer_market_id}' in this campaign.",
                    reason=CampaignsReason.MARKET_NOT_FOUND,
                    field="transferMarketId",
                )
            modified = transfer_market_entries(campaign, market.pk, str(transfer_market_id))
        elif market_is_chosen(campaign.pk, market.pk):
            fail_market(
                "Entries chose this market: give transferMarketId to move them before deleting it.",
                "transferMarketId",
                EntriesReason.MARKET_HAS_ENTRIES,
            )
        document = market_document(market)
        market.delete()
        record_event("market.deleted", campaign_id=campaign.pk, market_id=document["id"], payload=document)
        record(
            actor,
            "market.delete",
            campaign_id=campaign.pk,
            target=f"market:{document['id']}",
            changes={"name": document.get("name"), "transferMarketId": transfer_market_id, "modified": modified},
        )
    return {
        "deleted": 1,
        "marketId": document["id"],
        "transferMarketId": str(transfer_market_id) if transfer_market_id else None,
        "modified": modified,
    }
