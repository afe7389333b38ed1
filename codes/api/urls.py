"""Routes of the code endpoints (``assign`` names an entry: ``entries.api.code_views``, routed in ``monoql/urls.py``)."""

from django.urls import path

from codes.api import views

urlpatterns = [
    path("<str:campaign_id>/codes", views.UploadCodesView.as_view(), name="codes-upload"),
    path("<str:campaign_id>/codes/count", views.CountCodesView.as_view(), name="codes-count"),
    path("<str:campaign_id>/reserve", views.ReserveCodesView.as_view(), name="codes-reserve"),
    path("<str:campaign_id>/release", views.ReleaseCodesView.as_view(), name="codes-release"),
]
