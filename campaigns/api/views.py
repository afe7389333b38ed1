"""Campaign REST endpoints (catalog §2.1), supreme only: ``POST /api/campaigns/refresh`` →
``{opened, closed, deactivated}``; ``GET /api/campaigns/markets/upcoming``; ``POST /api/campaigns/markets/notifyDate``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.access import SUPREME, rest_actor
from campaigns.reasons import CampaignsReason
from campaigns.services.lifecycle import refresh_campaign_statuses
from campaigns.services.markets import market_document, set_notification_date, upcoming_markets
from monoql.reasons import REST


class RefreshCampaignsView(APIView):
    """Apply due campaign status transitions now."""

    access = SUPREME
    surface = REST
    errors = ()

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "RefreshCounts",
            {
                "opened": serializers.IntegerField(),
                "closed": serializers.IntegerField(),
                "deactivated": serializers.IntegerField(),
            },
        ),
    )
    def post(self, request):
        return Response(refresh_campaign_statuses(actor=rest_actor(request)).counts())


class UpcomingMarketsView(APIView):
    """``GET /api/campaigns/markets/upcoming`` (catalog §2.1): markets whose presale starts in [now+2 h,
    now+27 h] in campaigns with ``options.automatedReminders``, soonest first; supreme only."""

    access = SUPREME
    surface = REST
    errors = ()

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(
            [{**market_document(market), "campaignId": market.campaign_id} for market in upcoming_markets()]
        )


class NotifyDateView(APIView):
    """``POST /api/campaigns/markets/notifyDate {marketIds, notificationDate}`` (catalog §2.1): when the
    markets' presale reminder goes out (between now and each market's presale start) → ``{count}``; supreme."""

    access = SUPREME
    surface = REST
    errors = (CampaignsReason.MISSING_MARKET_IDS, CampaignsReason.INVALID_DATE, CampaignsReason.MARKET_NOT_FOUND)

    @extend_schema(
        request=inline_serializer(
            "NotifyDateBody",
            {
                "marketIds": serializers.ListField(child=serializers.CharField()),
                "notificationDate": serializers.CharField(),
            },
        ),
        responses=inline_serializer("UpdatedCount", {"count": serializers.IntegerField()}),
    )
    def post(self, request):
        body = request.data if isinstance(request.data, dict) else {}
        return Response(
            {
                "count": set_notification_date(
                    body.get("marketIds"), body.get("notificationDate"), actor=rest_actor(request)
                )
            }
        )
