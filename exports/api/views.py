"""Export REST endpoints (catalog §2.4): ``POST/GET /api/campaigns/<id>/exports[/<exportId>]`` (``report``
action) and the local signed download ``GET /api/exports/download/<token>``."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.access import campaign_action, rest_actor
from campaigns.reasons import CampaignsReason
from exports.documents import export_document
from exports.models import Export
from exports.reasons import ExportsReason
from exports.selectors import export_in_campaign, exports_of
from exports.services.exports import record_access, schedule_export
from exports.services.files import export_id_from_token
from monoql.core_reasons import CoreReason
from monoql.errors import ValidationFailed
from monoql.reasons import EXPORT_REST

SCHEDULE_BODY = inline_serializer(
    "ScheduleExportBody",
    {
        "exportType": serializers.CharField(),
        "dateKey": serializers.CharField(required=False),
        "includeAllMarkets": serializers.BooleanField(required=False),
    },
)


def _reporter(request, campaign_id):
    """The fan of a request whose ``report`` access (``REPORT``) ``DeclaredAccess`` checked."""
    return request.user


REPORT = campaign_action("report")


def _int(value, name):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            f"{name} must be a whole number.", reason=ExportsReason.INVALID_PAGING, field=name
        ) from None


class CampaignExportsView(APIView):
    """List (newest first) or schedule exports of a campaign."""

    access = REPORT
    surface = EXPORT_REST
    errors = (
        ExportsReason.INVALID_PAGING,
        ExportsReason.InvalidExportType,
        CoreReason.InvalidDateKey,
        ExportsReason.InvalidDateKeyType,
        CampaignsReason.CAMPAIGN_NOT_FOUND.spelled(EXPORT_REST),
    )

    @extend_schema(
        operation_id="campaigns_exports_list",
        parameters=[
            OpenApiParameter("exportType", str),
            OpenApiParameter("limit", int),
            OpenApiParameter("skip", int),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, campaign_id):
        fan = _reporter(request, campaign_id)
        rows = exports_of(
            campaign_id,
            export_type=request.query_params.get("exportType"),
            limit=_int(request.query_params.get("limit"), "limit"),
            skip=_int(request.query_params.get("skip"), "skip"),
        )
        record_access(campaign_id, fan.pk, "list", "rest")
        return Response([export_document(row, request) for row in rows])

    @extend_schema(request=SCHEDULE_BODY, responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT})
    def post(self, request, campaign_id):
        body = request.data if isinstance(request.data, dict) else {}
        export_type = body.get("exportType")
        if not isinstance(export_type, str) or not export_type:
            raise ValidationFailed(
                "exportType is required.", reason=ExportsReason.InvalidExportType, field="exportType"
            )
        date_key = body.get("dateKey")
        if date_key is not None and not isinstance(date_key, str):
            raise ValidationFailed(
                "dateKey must be a string.", reason=ExportsReason.InvalidDateKeyType, field="dateKey"
            )
        export, created = schedule_export(
            campaign_id=campaign_id,
            export_type=export_type,
            date_key=date_key,
            include_all_markets=body.get("includeAllMarkets") is True,
            actor=rest_actor(request),
        )
        export.refresh_from_db()
        return Response(export_document(export, request), status=201 if created else 200)


class CampaignExportView(APIView):
    """One export, with a freshly signed ``path`` once FINISHED."""

    access = REPORT
    surface = EXPORT_REST
    errors = (ExportsReason.ExportNotFound, CampaignsReason.CAMPAIGN_NOT_FOUND.spelled(EXPORT_REST))

    @extend_schema(operation_id="campaigns_export_retrieve", responses={200: OpenApiTypes.OBJECT})
    def get(self, request, campaign_id, export_id):
        fan = _reporter(request, campaign_id)
        export = export_in_campaign(campaign_id, export_id)
        record_access(campaign_id, fan.pk, "read", "rest", export)
        return Response(export_document(export, request))


def download(request, token):
    """Serve a finished export file for a valid, unexpired signed token (local storage only)."""
    export_id = export_id_from_token(token)
    export = Export.objects.filter(pk=export_id).first() if export_id else None
    if export is None or not export.path or export.date_file_removed:
        raise Http404("No such export file.")
    record_access(export.campaign_id, f"token:{export.requester_user_id}", "download", "download", export)
    name = export.path.rsplit("/", 1)[-1]
    return FileResponse(default_storage.open(export.path, "rb"), as_attachment=True, filename=name)
