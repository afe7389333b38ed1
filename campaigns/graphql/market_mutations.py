"""``upsertMarket``, ``cloneMarkets`` (``deleteMarket``: ``entries.graphql.market_mutations``) (catalog §1.3, §1.7, §3.2): ``write`` on the campaign."""

import graphene

from accounts.graphql.access import Operation, all_of, campaign_action, staff_actor
from campaigns.graphql.inputs import MarketInput, to_plain
from campaigns.graphql.market_types import Market
from campaigns.services.markets import clone_markets, upsert_market


def resolve_upsert_market(root, info, market):
    """Create or update one market of ``market.campaignId``."""
    data = to_plain(market)
    return upsert_market(data, actor=staff_actor(info))


def resolve_clone_markets(root, info, fromCampaignId, toCampaignId):
    """Copy the markets of ``fromCampaignId`` (``read``) into ``toCampaignId`` (``write``)."""
    return clone_markets(fromCampaignId, toCampaignId, actor=staff_actor(info))


class MarketMutation(graphene.ObjectType):
    upsertMarket = Operation(
        Market,
        market=MarketInput(required=True),
        resolver=resolve_upsert_market,
        access=campaign_action("write", lambda root, args: args["market"].get("campaignId")),
        summary="Create a market of a campaign, or update one by id (its show, venue, dates, capacity, promoters).",
        errors=[
            "CAMPAIGN_NOT_FOUND",
            "MARKET_NOT_FOUND",
            "INVALID_MARKET_SCHEMA",
            "INVALID_DATE",
            "PROMOTER_NOT_FOUND",
            "marketNameExists",
            "INVALID_TIMEZONE",
        ],
    )
    cloneMarkets = Operation(
        graphene.List(Market),
        fromCampaignId=graphene.String(required=True),
        toCampaignId=graphene.String(required=True),
        resolver=resolve_clone_markets,
        access=all_of(
            "write",
            "staff with `read` on fromCampaignId and `write` on toCampaignId, or supreme users",
            campaign_action("read", "fromCampaignId"),
            campaign_action("write", "toCampaignId"),
        ),
        summary="Copy every market of one campaign into another.",
        errors=["CAMPAIGN_NOT_FOUND", "INVALID_MARKET_CLONE", "marketNameExists"],
    )
