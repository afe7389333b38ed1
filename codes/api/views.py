"""Code-service REST endpoints (catalog §2.3) under ``/api/codes/<campaignId>/…``: thin adapters.

Every endpoint needs a bearer token of a supreme fan or of a fan holding ``select`` on the campaign.
Reserve and assign honour an ``Idempotency-Key`` header.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.access import campaign_action, rest_actor
from accounts.reasons import AccountsReason
from campaigns.reasons import CampaignsReason
from codes.reasons import CodesReason
from codes.services.inventory import count_codes, release_codes, reserve_codes
from codes.services.upload_jobs import queue_code_upload_from_storage, upload_result, wait_for_code_upload
from monoql.audit import Actor
from monoql.core_reasons import CoreReason
from monoql.reasons import CODE_REST

COUNTS = inline_serializer(
    "CodeChangeCount",
    {
        "count": inline_serializer(
            "CodeChangeCountInner", {"in": serializers.IntegerField(), "updated": serializers.IntegerField()}
        )
    },
)
CODES_BODY = inline_serializer("CodesBody", {"codes": serializers.ListField(child=serializers.CharField())})


#: Every code endpoint: ``select`` on the campaign (supremes hold it), refused in the code service's own spelling.
CODES_ACCESS = campaign_action(
    "select", spelling=(AccountsReason.SUPREME_USER_REQUIRED.spelled(CODE_REST), "Supreme user access required")
)


def authorize(request, campaign_id) -> Actor:
    """Return the Actor of a request to a code endpoint (its access, ``CODES_ACCESS``, was checked by
    ``DeclaredAccess`` before the handler ran)."""
    return rest_actor(request)


def request_body(request) -> dict:
    """The JSON body of a code-service request as a dict (anything else counts as ``{}``)."""
    return request.data if isinstance(request.data, dict) else {}


class UploadCodesView(APIView):
    """``POST /api/codes/<campaignId>/codes {fileKey}``: upload ``codes/{campaignId}/{type}/{file}`` from storage.

    The upload runs as a job: 200 with the counts when it finishes within ``CODES_UPLOAD_WAIT_SECONDS``, else
    202 ``{uploadId, status}`` (docs/operations.md "A stuck or failed code upload")."""

    access = CODES_ACCESS
    surface = CODE_REST
    errors = (
        CodesReason.invalidFileKey,
        CodesReason.FILE_NOT_FOUND,
        CampaignsReason.CAMPAIGN_NOT_FOUND,
        CodesReason.missingType,
        CodesReason.InvalidType,
        CodesReason.INVALID_CODE,
        CodesReason.EMPTY_FILE,
        CodesReason.UPLOAD_FAILED,
    )

    @extend_schema(
        request=inline_serializer("UploadCodesBody", {"fileKey": serializers.CharField()}),
        responses={
            200: inline_serializer(
                "UploadCodesCount",
                {
                    "in": serializers.IntegerField(),
                    "inserted": serializers.IntegerField(),
                    "updated": serializers.IntegerField(),
                },
            ),
            202: inline_serializer(
                "UploadCodesQueued", {"uploadId": serializers.CharField(), "status": serializers.CharField()}
            ),
        },
    )
    def post(self, request, campaign_id):
        actor = authorize(request, campaign_id)
        upload = queue_code_upload_from_storage(campaign_id, request_body(request).get("fileKey"), actor=actor)
        result = upload_result(wait_for_code_upload(upload))
        if result["status"] == "FINISHED":  # the contract's answer
            return Response({key: result[key] for key in ("in", "inserted", "updated")})
        return Response({"uploadId": result["uploadId"], "status": result["status"]}, status=202)


class ReserveCodesView(APIView):
    """``GET /api/codes/<campaignId>/reserve?count=N&type=tm|external`` → ``{reserveId, codes, count}``."""

    access = CODES_ACCESS
    surface = CODE_REST
    errors = (
        CodesReason.missingCodeReserveParams,
        CodesReason.invalidCount,
        CodesReason.InvalidType,
        CampaignsReason.CAMPAIGN_NOT_FOUND,
        CoreReason.LOCK_TIMEOUT,
    )

    @extend_schema(
        parameters=[
            OpenApiParameter("count", OpenApiTypes.INT, required=True),
            OpenApiParameter("type", OpenApiTypes.STR, required=True, enum=["tm", "external"]),
            OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER),
        ],
        responses=inline_serializer(
            "Reservation",
            {
                "reserveId": serializers.UUIDField(),
                "codes": serializers.ListField(child=serializers.CharField()),
                "count": serializers.IntegerField(),
            },
        ),
    )
    def get(self, request, campaign_id):
        actor = authorize(request, campaign_id)
        key = request.headers.get("Idempotency-Key")
        return Response(
            reserve_codes(
                campaign_id,
                request.query_params.get("count"),
                request.query_params.get("type"),
                actor=actor,
                idempotency_key=key,
            )
        )


class ReleaseCodesView(APIView):
    """``POST /api/codes/<campaignId>/release {codes}`` → ``{count: {in, updated}}``."""

    access = CODES_ACCESS
    surface = CODE_REST
    errors = (
        CodesReason.missingCodes,
        CodesReason.invalidCodesProp,
        CodesReason.emptyCodes,
        CampaignsReason.CAMPAIGN_NOT_FOUND,
        CoreReason.LOCK_TIMEOUT,
    )

    @extend_schema(request=CODES_BODY, responses=COUNTS)
    def post(self, request, campaign_id):
        actor = authorize(request, campaign_id)
        return Response(release_codes(campaign_id, request_body(request).get("codes"), actor=actor))


class CountCodesView(APIView):
    """``GET /api/codes/<campaignId>/codes/count?type&status`` → ``{available, assigned, reserved}``."""

    access = CODES_ACCESS
    surface = CODE_REST
    errors = (
        CodesReason.missingType,
        CodesReason.InvalidType,
        CodesReason.InvalidStatus,
        CampaignsReason.CAMPAIGN_NOT_FOUND,
    )

    @extend_schema(
        parameters=[
            OpenApiParameter("type", OpenApiTypes.STR, required=True, enum=["tm", "external"]),
            OpenApiParameter("status", OpenApiTypes.STR, enum=["available", "assigned", "reserved"]),
        ],
        responses=inline_serializer(
            "CodeCount",
            {
                "available": serializers.IntegerField(),
                "assigned": serializers.IntegerField(),
                "reserved": serializers.IntegerField(),
            },
        ),
    )
    def get(self, request, campaign_id):
        authorize(request, campaign_id)
        return Response(count_codes(campaign_id, request.query_params.get("type"), request.query_params.get("status")))
