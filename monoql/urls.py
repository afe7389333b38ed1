"""URL routes: admin, GraphQL (+GraphiQL), heartbeat, REST API (+OpenAPI schema)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from accounts.session import viewer_session
from entries.api.code_views import AssignCodesView
from monoql.console.team import invitation_view
from monoql.console.views import overview as console_overview
from monoql.graphql.view import MonoqlGraphQLView
from monoql.site import urls as site_urls
from monoql.views import campaign_image, download_file, heartbeat, metrics
from monoql.workflows.api import EraseFanView, ErasureView, FanDataView

urlpatterns = [
    # Wave prep, selection and waves moved to their own app (label ``selection``): old admin links still work.
    re_path(
        r"^admin/entries/(?P<rest>(?:waveprep|waveprepfile|wave|allocation|appliedmarket)/.*)$",
        RedirectView.as_view(url="/admin/selection/%(rest)s", permanent=True, query_string=True),
    ),
    path("admin/console/", admin.site.admin_view(console_overview), name="console-overview"),
    path("staff/invitations/<str:token>/", invitation_view, name="staff-invitation"),
    path("admin/", admin.site.urls),
    path("graphql", MonoqlGraphQLView.as_view(session_for=viewer_session), name="graphql"),
    path("graphiql", MonoqlGraphQLView.as_view(session_for=viewer_session), name="graphiql"),
    path("heartbeat", heartbeat, name="heartbeat"),
    path("metrics", metrics, name="metrics"),
    path("api/codes/<str:campaign_id>/assign", AssignCodesView.as_view(), name="codes-assign"),
    path("api/codes/", include("codes.api.urls")),
    path("api/campaigns/", include("campaigns.api.urls")),
    path("api/privacy/erase", EraseFanView.as_view(), name="privacy-erase"),
    path("api/privacy/erasures/<str:erasure_id>", ErasureView.as_view(), name="privacy-erasure"),
    path("api/privacy/fans/<str:fan_id>/data", FanDataView.as_view(), name="privacy-fan-data"),
    path("api/files/download/<str:token>", download_file, name="file-download"),
    path("api/", include("exports.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="openapi-schema"),
]

if not settings.AWS_STORAGE_BUCKET_NAME:
    # Embedded default: campaign images are public files under media/images/ (nothing else under media/).
    urlpatterns.append(
        re_path(r"^media/images/(?P<path>[A-Za-z0-9_-]+\.(?:png|gif|jpg))$", campaign_image, name="campaign-image")
    )

# The fan site (monoql/site): under /c/<domain>/ anywhere, and at / on a campaign's own domain. Last, so
# that /admin, /graphql and /api keep working on every host.
urlpatterns += [
    path("c/<str:domain>/", include((site_urls, "site"), namespace="site-local")),
    path("", include((site_urls, "site"), namespace="site")),
]
