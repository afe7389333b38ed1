"""Fan-site routes, mounted twice by ``monoql/urls.py``: at ``/`` on a campaign's domain and under
``/c/<domain>/`` on any project host (local use)."""

from django.urls import path

from monoql.site import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("signin", views.step, {"name": "signin"}, name="signin"),
    path("signin/start", views.sign_in_start, name="sign-in-start"),
    path("signin/callback", views.sign_in_callback, name="sign-in-callback"),
    path("register", views.step, {"name": "register"}, name="register"),
    path("phone", views.step, {"name": "phone"}, name="phone"),
    path("status", views.step, {"name": "status"}, name="status"),
    path("password", views.campaign_password, name="campaign-password"),
    path("dev-sign-in", views.dev_sign_in, name="dev-sign-in"),
]
