"""URL routes: admin, GraphQL (+GraphiQL), heartbeat, REST API (+OpenAPI schema)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from monoql.graphql.view import MonoqlGraphQLView
from monoql.views import campaign_image, heartbeat, metrics

urlpatterns = [
    path("admin/", admin.site.urls),
    path("graphql", MonoqlGraphQLView.as_view(), name="graphql"),
    path("graphiql", MonoqlGraphQLView.as_view(), name="graphiql"),
    path("heartbeat", heartbeat, name="heartbeat"),
    path("metrics", metrics, name="metrics"),
    path("api/codes/", include("codes.api.urls")),
    path("api/campaigns/", include("campaigns.api.urls")),
    path("api/privacy/", include("entries.api.urls")),
    path("api/", include("exports.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="openapi-schema"),
]

if not settings.AWS_STORAGE_BUCKET_NAME:
    # Embedded default: campaign images are public files under media/images/ (nothing else under media/).
    urlpatterns.append(
        re_path(r"^media/images/(?P<path>[A-Za-z0-9_-]+\.(?:png|gif|jpg))$", campaign_image, name="campaign-image")
    )
