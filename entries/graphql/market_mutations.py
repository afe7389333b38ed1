"""``deleteMarket`` (catalog §1.3, §1.7, §3.6.8): ``write`` on the campaign; entries' choices move first."""

import graphene

from accounts.permissions import require_campaign_action
from accounts.session import require_fan
from entries.services.markets import delete_market
from monoql.graphql.scalars import JSON
from monoql.reasons import operation_doc


def resolve_delete_market(root, info, campaignId, marketId, transferMarketId=None):
    """Delete a market, moving entries to ``transferMarketId`` first; returns ``{deleted, marketId, modified, ...}``."""
    require_campaign_action(require_fan(info), campaignId, "write")
    return delete_market(campaignId, marketId, transferMarketId)


class EntriesMarketMutation(graphene.ObjectType):
    deleteMarket = graphene.Field(
        JSON,
        campaignId=graphene.String(required=True),
        marketId=graphene.String(required=True),
        transferMarketId=graphene.String(),
        resolver=resolve_delete_market,
        description=operation_doc(
            "Delete a market of the campaign; its entries move to transferMarketId when given, else a market with entries stays.",
            "staff with `write` on the campaign, or supreme users",
            "notLoggedIn",
            "INVALID_CAMPAIGN_PERMISSIONS",
            "CAMPAIGN_NOT_FOUND",
            "MARKET_NOT_FOUND",
            "MARKET_HAS_ENTRIES",
            "INVALID_MARKET_TRANSFER",
        ),
    )
