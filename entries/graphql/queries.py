"""Staff reads: ``metrics { … }``, ``stats``, ``campaignScoredList`` (catalog §1.2); ``read`` action."""

import graphene

from entries import metrics
from entries.graphql.access import campaign_for
from entries.graphql.metrics_types import MarketEligibilityCount, MarketPreferenceCounts, Scored, Stat, StatsType
from entries.scoring_selectors import scored_files, stats
from monoql.errors import ValidationFailed
from monoql.reasons import operation_doc


def score_bound(value, field):
    """``value`` when None or within 0–1. Raises ValidationFailed ``invalidScore`` naming ``field``."""
    if value is not None and not 0.0 <= value <= 1.0:
        raise ValidationFailed(f"{field} must be a number between 0 and 1.", reason="invalidScore", field=field)
    return value


class Metrics(graphene.ObjectType):
    entriesByMarketPreference = graphene.List(MarketPreferenceCounts, campaignId=graphene.ID(required=True))
    eligibleByMarketPreference = graphene.List(
        MarketPreferenceCounts,
        campaignId=graphene.ID(required=True),
        includePrevSelected=graphene.Boolean(),
        minScore=graphene.Float(),
        maxScore=graphene.Float(),
    )
    verifiedCountByMarket = graphene.List(
        MarketEligibilityCount,
        campaignId=graphene.ID(required=True),
        minScore=graphene.Float(),
        maxScore=graphene.Float(),
    )
    totalSelectedByMarket = graphene.List(MarketEligibilityCount, campaignId=graphene.ID(required=True))

    @staticmethod
    def resolve_entriesByMarketPreference(root, info, campaignId):
        return metrics.entries_by_market_preference(campaign_for(info, campaignId, "read"))

    @staticmethod
    def resolve_eligibleByMarketPreference(
        root, info, campaignId, includePrevSelected=False, minScore=None, maxScore=None
    ):
        campaign = campaign_for(info, campaignId, "read")
        return metrics.eligible_by_market_preference(
            campaign,
            include_prev_selected=bool(includePrevSelected),
            min_score=score_bound(minScore, "minScore"),
            max_score=score_bound(maxScore, "maxScore"),
        )

    @staticmethod
    def resolve_verifiedCountByMarket(root, info, campaignId, minScore=None, maxScore=None):
        campaign = campaign_for(info, campaignId, "read")
        return metrics.verified_count_by_market(
            campaign, min_score=score_bound(minScore, "minScore"), max_score=score_bound(maxScore, "maxScore")
        )

    @staticmethod
    def resolve_totalSelectedByMarket(root, info, campaignId):
        return metrics.total_selected_by_market(campaign_for(info, campaignId, "read"))


class EntriesQuery(graphene.ObjectType):
    metrics = graphene.Field(
        Metrics,
        description=operation_doc(
            "Registration metrics of a campaign, by market and preference rank; each sub-field takes the campaign id.",
            "staff with `read` on the campaign, or supreme users",
            "notLoggedIn",
            "INVALID_CAMPAIGN_PERMISSIONS",
            "CAMPAIGN_NOT_FOUND",
        ),
    )
    stats = graphene.List(
        Stat,
        campaignId=graphene.ID(required=True),
        marketId=graphene.ID(),
        dateId=graphene.String(),
        type=StatsType(required=True),
        description=operation_doc(
            "Stats rows of the campaign (selection per market, uploads, ...), filtered by market, dateId and type.",
            "staff with `read` on the campaign, or supreme users",
            "notLoggedIn",
            "INVALID_CAMPAIGN_PERMISSIONS",
            "CAMPAIGN_NOT_FOUND",
        ),
    )
    campaignScoredList = graphene.List(
        Scored,
        campaignId=graphene.String(required=True),
        description=operation_doc(
            "The scored files uploaded for the campaign (uploadScored), with their counts.",
            "staff with `read` on the campaign, or supreme users",
            "notLoggedIn",
            "INVALID_CAMPAIGN_PERMISSIONS",
            "CAMPAIGN_NOT_FOUND",
        ),
    )

    @staticmethod
    def resolve_metrics(root, info):
        return {}

    @staticmethod
    def resolve_stats(root, info, campaignId, type, marketId=None, dateId=None):
        campaign = campaign_for(info, campaignId, "read")
        return stats(campaign.pk, getattr(type, "value", type), market_id=marketId, date_id=dateId)

    @staticmethod
    def resolve_campaignScoredList(root, info, campaignId):
        campaign = campaign_for(info, campaignId, "read")
        return scored_files(campaign.pk)
