"""``codes { count(campaignId, type, status) }`` (catalog §1.2)."""

import graphene

from accounts.graphql.access import Operation, campaign_action
from accounts.reasons import AccountsReason
from codes.graphql.types import CodeCount, UploadCodesCount
from codes.services.inventory import count_codes
from codes.services.upload_jobs import code_upload, upload_result
from monoql.reasons import CODE_REST, operation_doc


class Codes(graphene.ObjectType):
    """A campaign's code inventory (staff)."""

    count = Operation(
        CodeCount,
        campaignId=graphene.ID(required=True),
        type=graphene.String(required=True, description="The codes' type: tm (Ticketmaster codes) or external."),
        status=graphene.String(description="Count only this state: available, assigned or reserved."),
        access=campaign_action("select", refused_reason=AccountsReason.SUPREME_USER_REQUIRED.spelled(CODE_REST)),
        summary="The campaign's codes of a type, counted by state.",
        errors=["InvalidType", "missingType"],
    )

    upload = Operation(
        UploadCodesCount,
        campaignId=graphene.ID(required=True, description="The campaign the codes were uploaded to."),
        uploadId=graphene.ID(required=True, description="``uploadId`` from the ``uploadCodes`` answer."),
        access=campaign_action("select", refused_reason=AccountsReason.SUPREME_USER_REQUIRED.spelled(CODE_REST)),
        summary="A code upload job: its status and, once finished, its counts (a failed one is its error).",
        errors=["UPLOAD_NOT_FOUND"],
    )

    @staticmethod
    def resolve_count(root, info, campaignId, type, status=None):
        return count_codes(campaignId, type, status)

    @staticmethod
    def resolve_upload(root, info, campaignId, uploadId):
        return upload_result(code_upload(campaignId, uploadId))


class CodesQuery(graphene.ObjectType):
    codes = graphene.Field(
        Codes,
        description=operation_doc(
            "The campaign's code inventory: counts by status and code upload jobs; each sub-field takes the campaign id.",
            "staff with `select` on the campaign, or supreme users",
            "notLoggedIn",
            "supremeUserRequired",
        ),
    )

    @staticmethod
    def resolve_codes(root, info):
        return {}
