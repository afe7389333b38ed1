"""``upsertMarket``, ``cloneMarkets`` (``deleteMarket``: ``entries.graphql.market_mutations``) (catalog §1.3, §1.7, §3.2): ``write`` on the campaign."""

import graphene

from accounts.permissions import require_campaign_action
from accounts.session import require_fan
from campaigns.graphql.inputs import MarketInput, to_plain
from campaigns.graphql.market_types import Market
from campaigns.services.markets import clone_markets, upsert_market
from monoql.reasons import operation_doc


def resolve_upsert_market(root, info, market):
    """Create or update one market of ``market.campaignId``."""
    data = to_plain(market)
    require_campaign_action(require_fan(info), str(data["campaignId"]), "write")
    return upsert_market(data)


def resolve_clone_markets(root, info, fromCampaignId, toCampaignId):
    """Copy the markets of ``fromCampaignId`` (``read``) into ``toCampaignId`` (``write``)."""
    fan = require_fan(info)
    require_campaign_action(fan, fromCampaignId, "read")
    require_campaign_action(fan, toCampaignId, "write")
    return clone_markets(fromCampaignId, toCampaignId)


class MarketMutation(graphene.ObjectType):
    upsertMarket = graphene.Field(
        Market,
        market=MarketInput(required=True),
        resolver=resolve_upsert_market,
        description=operation_doc(
            "Create a market of a campaign, or update one by id (its show, venue, dates, capacity, promoters).",
            "staff with `write` on the campaign, or supreme users",
            "notLoggedIn",
            "INVALID_CAMPAIGN_PERMISSIONS",
            "CAMPAIGN_NOT_FOUND",
            "MARKET_NOT_FOUND",
            "INVALID_MARKET_SCHEMA",
            "INVALID_DATE",
            "PROMOTER_NOT_FOUND",
            "marketNameExists",
        ),
    )
    cloneMarkets = graphene.Field(
        graphene.List(Market),
        fromCampaignId=graphene.String(required=True),
        toCampaignId=graphene.String(required=True),
        resolver=resolve_clone_markets,
        description=operation_doc(
            "Copy every market of one campaign into another.",
            "staff with `read` on fromCampaignId and `write` on toCampaignId, or supreme users",
            "notLoggedIn",
            "INVALID_CAMPAIGN_PERMISSIONS",
            "CAMPAIGN_NOT_FOUND",
            "INVALID_MARKET_CLONE",
        ),
    )
