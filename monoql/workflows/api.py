"""Privacy REST endpoints (supreme only; catalog §3.15): ``POST /api/privacy/erase {fanId}`` (202: the erasure
runs as a job, followed at ``GET /api/privacy/erasures/<erasureId>``) and ``GET /api/privacy/fans/<fanId>/data``
(everything stored about the fan, GDPR art. 15 / CCPA right to know)."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.access import SUPREME, rest_actor
from entries.reasons import EntriesReason
from monoql.core_reasons import CoreReason
from monoql.errors import ValidationFailed
from monoql.reasons import REST
from monoql.workflows.privacy import erasure_document, fan_data, find_erasure, queue_erasure


class EraseFanView(APIView):
    """Erase one fan's data everywhere, as a job: answers 202 with the job and, in ``Location``, where to follow it
    (its report once FINISHED). An unknown fan answers 404 ``FAN_NOT_FOUND`` at once."""

    access = SUPREME
    surface = REST
    errors = (CoreReason.MISSING_FAN_ID, EntriesReason.FAN_NOT_FOUND)

    @extend_schema(
        request=inline_serializer("EraseFanBody", {"fanId": serializers.CharField()}),
        responses={202: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        fan_id = request.data.get("fanId") if isinstance(request.data, dict) else None
        if not isinstance(fan_id, str) or not fan_id:
            raise ValidationFailed("fanId is required.", reason=CoreReason.MISSING_FAN_ID, field="fanId")
        erasure = queue_erasure(fan_id, actor=rest_actor(request))
        location = reverse("privacy-erasure", args=[erasure.pk])
        return Response({**erasure_document(erasure), "location": location}, status=202, headers={"Location": location})


class ErasureView(APIView):
    """One erasure job: ``{erasureId, status (PENDING, ERASING, SCRUBBING, FINISHED, FAILED), stage, attempts,
    report, error, dateCreated, dateErased, dateFinished}``; 404 ``ERASURE_NOT_FOUND``."""

    access = SUPREME
    surface = REST
    errors = (CoreReason.ERASURE_NOT_FOUND,)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, erasure_id):
        return Response(erasure_document(find_erasure(erasure_id)))


class FanDataView(APIView):
    """Everything stored about one fan, as JSON (``monoql.workflows.privacy.fan_data``)."""

    access = SUPREME
    surface = REST
    errors = (EntriesReason.FAN_NOT_FOUND,)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, fan_id):
        return Response(fan_data(fan_id))
