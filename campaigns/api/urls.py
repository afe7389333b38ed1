"""Routes of the campaign REST endpoints."""

from django.urls import path

from campaigns.api.views import NotifyDateView, RefreshCampaignsView, UpcomingMarketsView

urlpatterns = [
    path("refresh", RefreshCampaignsView.as_view(), name="campaigns-refresh"),
    path("markets/upcoming", UpcomingMarketsView.as_view(), name="markets-upcoming"),
    path("markets/notifyDate", NotifyDateView.as_view(), name="markets-notify-date"),
]
