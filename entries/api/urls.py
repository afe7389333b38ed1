"""Routes of the entries REST API."""

from django.urls import path

from entries.api.views import EraseFanView

urlpatterns = [path("erase", EraseFanView.as_view(), name="privacy-erase")]
