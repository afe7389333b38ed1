"""Root GraphQL schema: the contract of catalog §1, assembled from each app's graphql package."""

import graphene

from accounts.graphql.mutations import AccountsMutation
from accounts.graphql.queries import AccountsQuery
from campaigns.graphql.types import FanlistCampaign, RegistrationCampaign
from entries.graphql.mutations import EntriesMutation


class Query(AccountsQuery, graphene.ObjectType):
    """Root query."""


class Mutation(AccountsMutation, EntriesMutation, graphene.ObjectType):
    """Root mutation."""


schema = graphene.Schema(
    query=Query, mutation=Mutation, types=[RegistrationCampaign, FanlistCampaign], auto_camelcase=False
)
