"""Routes of the exports REST API (mounted under ``/api/``)."""

from django.urls import path

from exports.api.views import CampaignExportsView, CampaignExportView, download

urlpatterns = [
    path("campaigns/<str:campaign_id>/exports", CampaignExportsView.as_view(), name="campaign-exports"),
    path("campaigns/<str:campaign_id>/exports/<str:export_id>", CampaignExportView.as_view(), name="campaign-export"),
    path("exports/download/<str:token>", download, name="export-download"),
]
