"""Privacy REST endpoints (supreme only; catalog §3.15): ``POST /api/privacy/erase {fanId}`` and
``GET /api/privacy/fans/<fanId>/data`` (everything stored about the fan, GDPR art. 15 / CCPA right to know)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.access import SUPREME, rest_actor
from monoql.errors import ValidationFailed
from monoql.workflows.privacy import erase_fan, fan_data


class EraseFanView(APIView):
    """Erase one fan's data everywhere; answers the report of what was removed."""

    access = SUPREME

    @extend_schema(
        request=inline_serializer("EraseFanBody", {"fanId": serializers.CharField()}),
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        fan_id = request.data.get("fanId") if isinstance(request.data, dict) else None
        if not isinstance(fan_id, str) or not fan_id:
            raise ValidationFailed("fanId is required.", reason="MISSING_FAN_ID", field="fanId")
        return Response(erase_fan(fan_id, actor=rest_actor(request)))


class FanDataView(APIView):
    """Everything stored about one fan, as JSON (``monoql.workflows.privacy.fan_data``)."""

    access = SUPREME

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, fan_id):
        return Response(fan_data(fan_id))
