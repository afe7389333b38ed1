"""``upsertPromoter`` / ``deletePromoter`` (catalog §1.3): supreme only."""

import graphene

from accounts.permissions import require_supreme
from accounts.session import require_fan
from campaigns.graphql.inputs import PromoterInput, to_plain
from campaigns.graphql.search_types import Promoter
from campaigns.services.promoters import delete_promoter, upsert_promoter
from monoql.graphql.scalars import JSON
from monoql.reasons import operation_doc


def resolve_upsert_promoter(root, info, promoter):
    """Create or update a promoter."""
    require_supreme(require_fan(info))
    return upsert_promoter(to_plain(promoter))


def resolve_delete_promoter(root, info, promoterId):
    """Delete a promoter; returns ``{deleted, marketsUpdated}``."""
    require_supreme(require_fan(info))
    return delete_promoter(promoterId)


class PromoterMutation(graphene.ObjectType):
    upsertPromoter = graphene.Field(
        Promoter,
        promoter=PromoterInput(required=True),
        resolver=resolve_upsert_promoter,
        description=operation_doc(
            "Create a promoter, or update one by id.",
            "supreme users",
            "notLoggedIn",
            "SUPREME_USER_REQUIRED",
            "PROMOTER_NOT_FOUND",
            "INVALID_PROMOTER_SCHEMA",
        ),
    )
    deletePromoter = graphene.Field(
        JSON,
        promoterId=graphene.String(required=True),
        resolver=resolve_delete_promoter,
        description=operation_doc(
            "Delete a promoter; markets naming it keep the id until edited.",
            "supreme users",
            "notLoggedIn",
            "SUPREME_USER_REQUIRED",
            "PROMOTER_NOT_FOUND",
        ),
    )
