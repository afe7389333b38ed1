"""Root GraphQL schema: the contract of catalog §1, assembled from each app's graphql package.

Root composition is the one place the core names the apps. Types whose fields come from several apps are
composed here from each app's field classes, lowest app first: ``RegistrationCampaign`` = campaigns'
fields + entries' ``entry``/``eligibility``/``eligibileCounts`` (told with the selection result by
``entries.selection``); ``FanlistCampaign`` = campaigns' fields + entries' ``uploads`` + exports' ``exports``.
"""

import graphene

from accounts.graphql.mutations import AccountsMutation
from campaigns.graphql.campaign_mutations import CampaignMutation
from campaigns.graphql.content_mutations import ContentMutation
from campaigns.graphql.market_mutations import MarketMutation
from campaigns.graphql.promoter_mutations import PromoterMutation
from campaigns.graphql.queries import CampaignQuery
from campaigns.graphql.types import Campaign, FanlistCampaignFields, RegistrationCampaignFields
from campaigns.graphql.viewer import ViewerMutation, ViewerQuery
from codes.graphql.mutations import CodesMutation
from codes.graphql.queries import CodesQuery
from entries.graphql.campaign_fields import FanlistCampaignUploadFields
from entries.graphql.market_mutations import EntriesMarketMutation
from entries.graphql.mutations import EntriesMutation
from entries.graphql.phone_mutations import PhoneMutation
from entries.graphql.queries import EntriesQuery
from entries.graphql.scoring_mutations import ScoringMutation
from entries.selection.graphql.campaign_fields import RegistrationCampaignSelectionFields
from entries.selection.graphql.mutations import SelectionMutation
from entries.selection.graphql.queries import SelectionQuery
from exports.graphql.campaign_fields import FanlistCampaignExportFields
from exports.graphql.mutations import ExportsMutation
from exports.graphql.queries import ExportsQuery
from monoql.graphql.arguments import describe_arguments
from monoql.workflows.graphql import PrivacyMutation, PrivacyQuery


class RegistrationCampaign(RegistrationCampaignFields, RegistrationCampaignSelectionFields, graphene.ObjectType):
    """A presale registration campaign."""

    class Meta:
        interfaces = (Campaign,)

    @classmethod
    def is_type_of(cls, root, info):
        return getattr(root, "type", None) != "fanlist"


class FanlistCampaign(
    FanlistCampaignFields, FanlistCampaignUploadFields, FanlistCampaignExportFields, graphene.ObjectType
):
    """An ongoing fan list (no markets, preferences or page content)."""

    class Meta:
        interfaces = (Campaign,)

    @classmethod
    def is_type_of(cls, root, info):
        return getattr(root, "type", None) == "fanlist"


class Query(
    ViewerQuery,
    CampaignQuery,
    CodesQuery,
    EntriesQuery,
    SelectionQuery,
    ExportsQuery,
    PrivacyQuery,
    graphene.ObjectType,
):
    """Every query of the API: the viewer and the campaigns they may see, staff reads (metrics, exports, waves, codes, stats), Discovery search and widget settings. Besides the errors each lists, any operation may answer UNAUTHENTICATED INVALID_TOKEN, EXPIRED_TOKEN or REVOKED_TOKEN (a bad session token), RATE_LIMITED TOO_MANY_REQUESTS and VALIDATION_ERROR for a query over the cost limits (docs/errors.md)."""


class Mutation(
    ViewerMutation,
    AccountsMutation,
    CampaignMutation,
    MarketMutation,
    EntriesMarketMutation,
    ContentMutation,
    PromoterMutation,
    EntriesMutation,
    PhoneMutation,
    ScoringMutation,
    SelectionMutation,
    ExportsMutation,
    CodesMutation,
    PrivacyMutation,
    graphene.ObjectType,
):
    """Every write of the API: sign-in, a fan's entry and privacy requests, and staff operations on campaigns, markets, codes, selection, exports and files. Besides the errors each lists, any operation may answer UNAUTHENTICATED INVALID_TOKEN, EXPIRED_TOKEN or REVOKED_TOKEN (a bad session token) and RATE_LIMITED TOO_MANY_REQUESTS (docs/errors.md)."""


schema = graphene.Schema(
    query=Query, mutation=Mutation, types=[RegistrationCampaign, FanlistCampaign], auto_camelcase=False
)
describe_arguments(schema.graphql_schema)
