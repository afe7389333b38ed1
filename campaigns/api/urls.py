"""Routes of the campaign REST endpoints."""

from django.urls import path

from campaigns.api.views import RefreshCampaignsView

urlpatterns = [path("refresh", RefreshCampaignsView.as_view(), name="campaigns-refresh")]
