"""Staff reads: ``metrics { … }``, ``stats``, ``campaignScoredList`` (catalog §1.2); ``read`` action."""

import graphene

from accounts.graphql.access import Operation, campaign_action
from campaigns.selectors import campaign_or_404
from entries import metrics
from entries.graphql.metrics_types import MarketEligibilityCount, MarketPreferenceCounts, Scored, Stat, StatsType
from entries.reasons import EntriesReason
from entries.scoring_selectors import scored_files, stats
from monoql.errors import ValidationFailed
from monoql.reasons import operation_doc


def score_bound(value, field):
    """``value`` when None or within 0–1. Raises ValidationFailed ``INVALID_SCORE`` naming ``field``."""
    if value is not None and not 0.0 <= value <= 1.0:
        raise ValidationFailed(
            f"{field} must be a number between 0 and 1.", reason=EntriesReason.INVALID_SCORE, field=field
        )
    return value


class Metrics(graphene.ObjectType):
    """The campaign dashboard's counts (catalog §3.6.6); each needs the campaign's read permission."""

    entriesByMarketPreference = Operation(
        graphene.List(MarketPreferenceCounts),
        campaignId=graphene.ID(required=True),
        access=campaign_action("read"),
        summary="Entries per market and preference rank. Counts the campaign's counted entries: every entry, or only phone-confirmed ones (confirmed before close) when the campaign requires phone confirmation (options.promptConfirmPhone).",
        errors=["CAMPAIGN_NOT_FOUND"],
    )
    eligibleByMarketPreference = Operation(
        graphene.List(MarketPreferenceCounts),
        campaignId=graphene.ID(required=True),
        includePrevSelected=graphene.Boolean(),
        minScore=graphene.Float(),
        maxScore=graphene.Float(),
        access=campaign_action("read"),
        summary="Entries selection could pick (verified, in the score range, not selected before unless "
        "includePrevSelected), per market and preference rank. Counts the campaign's counted entries: every entry, or only phone-confirmed ones (confirmed before close) when the campaign requires phone confirmation (options.promptConfirmPhone).",
        errors=["CAMPAIGN_NOT_FOUND", "INVALID_SCORE"],
    )
    verifiedCountByMarket = Operation(
        graphene.List(MarketEligibilityCount),
        campaignId=graphene.ID(required=True),
        minScore=graphene.Float(),
        maxScore=graphene.Float(),
        access=campaign_action("read"),
        summary="Verified entries (verdict allowed) per market, in the score range. Counts the campaign's counted entries: every entry, or only phone-confirmed ones (confirmed before close) when the campaign requires phone confirmation (options.promptConfirmPhone).",
        errors=["CAMPAIGN_NOT_FOUND", "INVALID_SCORE"],
    )
    totalSelectedByMarket = Operation(
        graphene.List(MarketEligibilityCount),
        campaignId=graphene.ID(required=True),
        access=campaign_action("read"),
        summary="Entries holding an assigned code, per market; every market of the campaign is listed, 0 where "
        "nobody is selected.",
        errors=["CAMPAIGN_NOT_FOUND"],
    )

    @staticmethod
    def resolve_entriesByMarketPreference(root, info, campaignId):
        return metrics.entries_by_market_preference(campaign_or_404(campaignId))

    @staticmethod
    def resolve_eligibleByMarketPreference(
        root, info, campaignId, includePrevSelected=False, minScore=None, maxScore=None
    ):
        campaign = campaign_or_404(campaignId)
        return metrics.eligible_by_market_preference(
            campaign,
            include_prev_selected=bool(includePrevSelected),
            min_score=score_bound(minScore, "minScore"),
            max_score=score_bound(maxScore, "maxScore"),
        )

    @staticmethod
    def resolve_verifiedCountByMarket(root, info, campaignId, minScore=None, maxScore=None):
        campaign = campaign_or_404(campaignId)
        return metrics.verified_count_by_market(
            campaign, min_score=score_bound(minScore, "minScore"), max_score=score_bound(maxScore, "maxScore")
        )

    @staticmethod
    def resolve_totalSelectedByMarket(root, info, campaignId):
        return metrics.total_selected_by_market(campaign_or_404(campaignId))


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
    stats = Operation(
        graphene.List(Stat),
        campaignId=graphene.ID(required=True),
        marketId=graphene.ID(),
        dateId=graphene.String(),
        type=StatsType(required=True),
        access=campaign_action("read"),
        summary="Stats rows of the campaign (selection per market, uploads, ...), filtered by market, dateId and type.",
        errors=["CAMPAIGN_NOT_FOUND"],
    )
    campaignScoredList = Operation(
        graphene.List(Scored),
        campaignId=graphene.String(required=True),
        access=campaign_action("read"),
        summary="The scored files uploaded for the campaign (uploadScored), with their counts.",
        errors=["CAMPAIGN_NOT_FOUND"],
    )

    @staticmethod
    def resolve_metrics(root, info):
        return {}

    @staticmethod
    def resolve_stats(root, info, campaignId, type, marketId=None, dateId=None):
        campaign = campaign_or_404(campaignId)
        return stats(campaign.pk, getattr(type, "value", type), market_id=marketId, date_id=dateId)

    @staticmethod
    def resolve_campaignScoredList(root, info, campaignId):
        campaign = campaign_or_404(campaignId)
        return scored_files(campaign.pk)
