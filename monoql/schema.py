"""Root GraphQL schema: the contract of catalog §1, assembled from each app's graphql package."""

import graphene

from accounts.graphql.mutations import AccountsMutation
from accounts.graphql.queries import AccountsQuery
from campaigns.graphql.campaign_mutations import CampaignMutation
from campaigns.graphql.content_mutations import ContentMutation
from campaigns.graphql.market_mutations import MarketMutation
from campaigns.graphql.promoter_mutations import PromoterMutation
from campaigns.graphql.queries import CampaignQuery
from campaigns.graphql.types import FanlistCampaign, RegistrationCampaign
from codes.graphql.mutations import CodesMutation
from codes.graphql.queries import CodesQuery
from entries.graphql.mutations import EntriesMutation
from entries.graphql.phone_mutations import PhoneMutation
from entries.graphql.queries import EntriesQuery
from entries.graphql.scoring_mutations import ScoringMutation
from entries.graphql.selection_mutations import SelectionMutation
from entries.graphql.selection_queries import SelectionQuery
from exports.graphql.mutations import ExportsMutation
from exports.graphql.queries import ExportsQuery


class Query(AccountsQuery, CampaignQuery, CodesQuery, EntriesQuery, SelectionQuery, ExportsQuery, graphene.ObjectType):
    """Root query."""


class Mutation(
    AccountsMutation,
    CampaignMutation,
    MarketMutation,
    ContentMutation,
    PromoterMutation,
    EntriesMutation,
    PhoneMutation,
    ScoringMutation,
    SelectionMutation,
    ExportsMutation,
    CodesMutation,
    graphene.ObjectType,
):
    """Root mutation."""


schema = graphene.Schema(
    query=Query, mutation=Mutation, types=[RegistrationCampaign, FanlistCampaign], auto_camelcase=False
)
