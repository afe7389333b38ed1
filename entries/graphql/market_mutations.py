"""``deleteMarket`` (catalog §1.3, §1.7, §3.6.8): ``write`` on the campaign; entries' choices move first."""

import graphene

from accounts.graphql.access import Operation, campaign_action, staff_actor
from entries.services.markets import delete_market
from monoql.graphql.scalars import JSON


def resolve_delete_market(root, info, campaignId, marketId, transferMarketId=None):
    """Delete a market, moving entries to ``transferMarketId`` first; returns ``{deleted, marketId, modified, ...}``."""
    return delete_market(campaignId, marketId, transferMarketId, actor=staff_actor(info))


class EntriesMarketMutation(graphene.ObjectType):
    deleteMarket = Operation(
        JSON,
        campaignId=graphene.String(required=True),
        marketId=graphene.String(required=True),
        transferMarketId=graphene.String(),
        resolver=resolve_delete_market,
        access=campaign_action("write"),
        summary="Delete a market of the campaign; its entries move to transferMarketId when given, else a market with entries stays.",
        errors=["CAMPAIGN_NOT_FOUND", "MARKET_NOT_FOUND", "MARKET_HAS_ENTRIES", "INVALID_MARKET_TRANSFER"],
    )
