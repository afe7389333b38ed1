"""``uploadCodes(file: Upload!, fileSize: Int!, campaignId: String!, type: String!): UploadCodesCount``."""

import graphene
from graphene_file_upload.scalars import Upload

from accounts.graphql.access import Operation, campaign_action
from accounts.reasons import AccountsReason
from codes.graphql.access import code_actor
from codes.graphql.types import UploadCodesCount
from codes.reasons import CodesReason
from codes.services.upload_jobs import queue_code_upload, upload_result, wait_for_code_upload
from monoql.errors import ValidationFailed
from monoql.reasons import CODE_REST


def resolve_upload_codes(root, info, file, fileSize, campaignId, type):
    """Multipart upload (GraphQL multipart request spec) into the campaign's ``type`` pool: queued as a job,
    whose counts are answered when it finishes within ``CODES_UPLOAD_WAIT_SECONDS`` (else ``status`` PENDING)."""
    actor = code_actor(info)
    if not hasattr(file, "read"):
        raise ValidationFailed("file must be a multipart file part.", reason=CodesReason.INVALID_FILE, field="file")
    upload = queue_code_upload(campaignId, type, file, actor=actor, declared_size=fileSize)
    return upload_result(wait_for_code_upload(upload))


class CodesMutation(graphene.ObjectType):
    uploadCodes = Operation(
        UploadCodesCount,
        file=Upload(required=True),
        fileSize=graphene.Int(required=True),
        campaignId=graphene.String(required=True),
        type=graphene.String(required=True),
        resolver=resolve_upload_codes,
        access=campaign_action("select", refused_reason=AccountsReason.SUPREME_USER_REQUIRED.spelled(CODE_REST)),
        summary="Upload a CSV of access codes into the campaign's pool of a type (tm or external), as a queued job: answers the counts when it finishes within CODES_UPLOAD_WAIT_SECONDS, else PENDING with its uploadId (read it with codes.upload).",
        errors=[
            "CAMPAIGN_NOT_FOUND",
            "InvalidType",
            "FILE_TOO_LARGE",
            "FILE_SIZE_MISMATCH",
            "NOT_TEXT",
            "EMPTY_FILE",
            "INVALID_CODE",
            "UNSAFE_CODE",
            "missingType",
            "INVALID_FILE",
        ],
    )
