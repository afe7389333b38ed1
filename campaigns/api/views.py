"""``POST /api/campaigns/refresh`` (catalog §2.1): supreme only → ``{opened, closed, deactivated}``."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import require_supreme
from campaigns.services.lifecycle import refresh_campaign_statuses
from monoql.errors import Unauthenticated


class RefreshCampaignsView(APIView):
    """Apply due campaign status transitions now."""

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
        if request.user is None:
            raise Unauthenticated("Authentication required", reason="notLoggedIn")
        require_supreme(request.user)
        return Response(refresh_campaign_statuses(source=f"api:{request.user.pk}").counts())
