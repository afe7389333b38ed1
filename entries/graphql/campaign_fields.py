"""The entries app's fields of the campaign types (composed into ``RegistrationCampaign``/``FanlistCampaign``
in ``monoql/schema.py``): the viewer's entry and eligibility, eligible counts, fanlist uploads."""

import graphene

from accounts.graphql.access import Operation, campaign_action
from campaigns.graphql.types import CampaignEntry, Eligibility, FanlistUpload
from entries.graphql.metrics_types import EligibleCounts
from entries.graphql.resolvers import eligible_counts_for_staff, viewer_eligibility, viewer_entry
from entries.scoring_selectors import fanlist_uploads


class RegistrationCampaignEntryFields:
    """``entry``, ``eligibility`` and ``eligibileCounts`` of ``RegistrationCampaign`` (catalog §1.4)."""

    entry = graphene.Field(
        CampaignEntry, description="The signed-in fan's entry; null when anonymous or not registered."
    )
    eligibility = graphene.Field(
        Eligibility, description="Whether the viewer can register now (or why their entry cannot be selected)."
    )
    eligibileCounts = Operation(
        EligibleCounts,
        marketIds=graphene.List(graphene.ID, description="Only these markets (ids); all the campaign's by default."),
        includePrevSelected=graphene.Boolean(
            description="True to count fans who already hold an assigned code of the campaign too."
        ),
        minScore=graphene.Float(description="Count only entries scored at least this, 0 to 1."),
        maxScore=graphene.Float(description="Count only entries scored at most this, 0 to 1."),
        access=campaign_action("read", lambda campaign, args: campaign.pk),
        summary="Eligible fans by market and preference rank (sic: the contract's spelling).",
        errors=["INVALID_SCORE"],
    )

    @staticmethod
    def resolve_entry(campaign, info):
        return viewer_entry(info, campaign)

    @staticmethod
    def resolve_eligibility(campaign, info):
        return viewer_eligibility(info, campaign)

    @staticmethod
    def resolve_eligibileCounts(
        campaign, info, marketIds=None, includePrevSelected=False, minScore=None, maxScore=None
    ):
        return eligible_counts_for_staff(info, campaign, marketIds, includePrevSelected, minScore, maxScore)


class FanlistCampaignUploadFields:
    """``uploads`` of ``FanlistCampaign``: the fanlist files uploaded, newest first (catalog §3.7.5)."""

    uploads = graphene.List(FanlistUpload, description="The fan lists uploaded to the campaign, newest first.")

    @staticmethod
    def resolve_uploads(campaign, info):
        return fanlist_uploads(campaign.pk)
