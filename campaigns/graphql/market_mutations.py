"""``upsertMarket``, ``deleteMarket``, ``cloneMarkets`` (catalog §1.3, §1.7, §3.2): ``write`` on the campaign."""

import graphene

from accounts.permissions import require_campaign_action
from campaigns.graphql.inputs import MarketInput, to_plain
from campaigns.graphql.market_types import Market
from campaigns.services.markets import clone_markets, delete_market, upsert_market
from monoql.graphql.context import require_fan
from monoql.graphql.scalars import JSON


def resolve_upsert_market(root, info, market):
    """Create or update one market of ``market.campaignId``."""
    data = to_plain(market)
    require_campaign_action(require_fan(info), str(data["campaignId"]), "write")
    return upsert_market(data)


def resolve_delete_market(root, info, campaignId, marketId, transferMarketId=None):
    """Delete a market, moving entries to ``transferMarketId`` first; returns ``{deleted, marketId, modified, ...}``."""
    require_campaign_action(require_fan(info), campaignId, "write")
    return delete_market(campaignId, marketId, transferMarketId)


def resolve_clone_markets(root, info, fromCampaignId, toCampaignId):
    """Copy the markets of ``fromCampaignId`` (``read``) into ``toCampaignId`` (``write``)."""
    fan = require_fan(info)
    require_campaign_action(fan, fromCampaignId, "read")
    require_campaign_action(fan, toCampaignId, "write")
    return clone_markets(fromCampaignId, toCampaignId)


class MarketMutation(graphene.ObjectType):
    upsertMarket = graphene.Field(Market, market=MarketInput(required=True), resolver=resolve_upsert_market)
    deleteMarket = graphene.Field(
        JSON,
        campaignId=graphene.String(required=True),
        marketId=graphene.String(required=True),
        transferMarketId=graphene.String(),
        resolver=resolve_delete_market,
    )
    cloneMarkets = graphene.Field(
        graphene.List(Market),
        fromCampaignId=graphene.String(required=True),
        toCampaignId=graphene.String(required=True),
        resolver=resolve_clone_markets,
    )
