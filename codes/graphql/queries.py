"""``codes { count(campaignId, type, status) }`` (catalog §1.2)."""

import graphene

from codes.graphql.access import code_actor
from codes.graphql.types import CodeCount, UploadCodesCount
from codes.services.inventory import count_codes
from codes.services.upload_jobs import code_upload, upload_result
from monoql.reasons import operation_doc


class Codes(graphene.ObjectType):
    count = graphene.Field(
        CodeCount, campaignId=graphene.ID(required=True), type=graphene.String(required=True), status=graphene.String()
    )

    upload = graphene.Field(
        UploadCodesCount,
        campaignId=graphene.ID(required=True, description="The campaign the codes were uploaded to."),
        uploadId=graphene.ID(required=True, description="``uploadId`` from the ``uploadCodes`` answer."),
        description="A code upload job: its status and, once finished, its counts (a failed one is its error).",
    )

    @staticmethod
    def resolve_count(root, info, campaignId, type, status=None):
        code_actor(info, campaignId)
        return count_codes(campaignId, type, status)

    @staticmethod
    def resolve_upload(root, info, campaignId, uploadId):
        code_actor(info, campaignId)
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
