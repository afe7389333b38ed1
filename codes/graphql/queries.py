"""``codes { count(campaignId, type, status) }`` (catalog §1.2)."""

import graphene

from codes.graphql.access import code_actor
from codes.graphql.types import CodeCount
from codes.services.inventory import count_codes


class Codes(graphene.ObjectType):
    count = graphene.Field(
        CodeCount, campaignId=graphene.ID(required=True), type=graphene.String(required=True), status=graphene.String()
    )

    @staticmethod
    def resolve_count(root, info, campaignId, type, status=None):
        code_actor(info, campaignId)
        return count_codes(campaignId, type, status)


class CodesQuery(graphene.ObjectType):
    codes = graphene.Field(Codes)

    @staticmethod
    def resolve_codes(root, info):
        return {}
