"""``upsertPromoter`` / ``deletePromoter`` (catalog §1.3): supreme only."""

import graphene

from accounts.graphql.access import SUPREME, Operation, staff_actor
from campaigns.graphql.inputs import PromoterInput, to_plain
from campaigns.graphql.search_types import Promoter
from campaigns.services.promoters import delete_promoter, upsert_promoter
from monoql.graphql.scalars import JSON


def resolve_upsert_promoter(root, info, promoter):
    """Create or update a promoter."""
    return upsert_promoter(to_plain(promoter), actor=staff_actor(info))


def resolve_delete_promoter(root, info, promoterId):
    """Delete a promoter; returns ``{deleted, marketsUpdated}``."""
    return delete_promoter(promoterId, actor=staff_actor(info))


class PromoterMutation(graphene.ObjectType):
    upsertPromoter = Operation(
        Promoter,
        promoter=PromoterInput(required=True),
        resolver=resolve_upsert_promoter,
        access=SUPREME,
        summary="Create a promoter, or update one by id.",
        errors=["PROMOTER_NOT_FOUND", "INVALID_PROMOTER_SCHEMA"],
    )
    deletePromoter = Operation(
        JSON,
        promoterId=graphene.String(required=True),
        resolver=resolve_delete_promoter,
        access=SUPREME,
        summary="Delete a promoter; markets naming it keep the id until edited.",
        errors=["PROMOTER_NOT_FOUND"],
    )
