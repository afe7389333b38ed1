"""URL routes: admin, GraphQL (+GraphiQL), heartbeat."""

from django.contrib import admin
from django.urls import path

from monoql.graphql.view import MonoqlGraphQLView
from monoql.views import heartbeat

urlpatterns = [
    path("admin/", admin.site.urls),
    path("graphql", MonoqlGraphQLView.as_view(), name="graphql"),
    path("graphiql", MonoqlGraphQLView.as_view(), name="graphiql"),
    path("heartbeat", heartbeat, name="heartbeat"),
]
