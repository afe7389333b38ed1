"""``POST /api/codes/<campaignId>/assign`` (catalog §2.3): the code-service endpoint that may name an entry.

It lives above ``codes`` because it reads the entry (``entryId``) the codes are assigned to; the other
code endpoints stay in ``codes.api``. Same authorization and body rules as them.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns.reasons import CampaignsReason
from codes.api.views import CODES_ACCESS, COUNTS, authorize, request_body
from codes.reasons import CodesReason
from entries.reasons import EntriesReason
from entries.services.code_holders import assign_codes_to_entry
from monoql.core_reasons import CoreReason
from monoql.reasons import CODE_REST


class AssignCodesView(APIView):
    """``POST /api/codes/<campaignId>/assign {codes, entryId?}`` → ``{count: {in, updated}}``."""

    access = CODES_ACCESS
    surface = CODE_REST
    errors = (
        EntriesReason.ENTRY_NOT_FOUND,
        CodesReason.missingCodes,
        CodesReason.invalidCodesProp,
        CodesReason.emptyCodes,
        CampaignsReason.CAMPAIGN_NOT_FOUND,
        CoreReason.LOCK_TIMEOUT,
    )

    @extend_schema(
        request=inline_serializer(
            "AssignBody",
            {
                "codes": serializers.ListField(child=serializers.CharField()),
                "entryId": serializers.IntegerField(required=False),
            },
        ),
        parameters=[OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER)],
        responses=COUNTS,
    )
    def post(self, request, campaign_id):
        actor = authorize(request, campaign_id)
        body = request_body(request)
        key = request.headers.get("Idempotency-Key")
        return Response(
            assign_codes_to_entry(
                campaign_id, body.get("codes"), actor=actor, entry_id=body.get("entryId"), idempotency_key=key
            )
        )
