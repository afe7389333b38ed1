"""Heartbeat, correlation ids, error envelope, GraphiQL without a network."""

import re
from unittest import mock

import pytest
from django.contrib.staticfiles import finders
from django.db.utils import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_heartbeat_checks_the_database_cache_and_broker(client):
    response = client.get("/heartbeat")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "eager"}


def test_heartbeat_reports_a_dead_database(client):
    with mock.patch("monoql.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/heartbeat")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable", "cache": "ok", "broker": "eager"}


def test_heartbeat_reports_a_dead_cache_and_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    with mock.patch("monoql.views.cache.get", return_value=None):
        response = client.get("/heartbeat")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "unreachable",
        "broker": "unreachable",
    }


def test_heartbeat_checks_a_live_broker(client, settings):
    # the suite runs against Redis (README test command); its Redis stands in for the broker
    settings.CELERY_BROKER_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/15"
    assert client.get("/heartbeat").json()["broker"] == "ok"


def test_correlation_id_is_echoed_or_created(client):
    echoed = client.get("/heartbeat", HTTP_X_CORRELATION_ID="abc-123")
    created = client.get("/heartbeat")
    hostile = client.get("/heartbeat", HTTP_X_CORRELATION_ID="bad id\nwith newline")
    assert echoed["X-Correlation-Id"] == "abc-123"
    assert re.fullmatch(r"[0-9a-f-]{36}", created["X-Correlation-Id"])
    assert hostile["X-Correlation-Id"] != "bad id\nwith newline"
    assert echoed["X-Response-Time"].endswith("ms")


def test_request_log_names_the_operation(gql, caplog):
    with caplog.at_level("INFO", logger="monoql.request"):
        gql.execute("query campaigns_initApp { viewer { isLoggedIn } }")
    record = next(r for r in caplog.records if r.name == "monoql.request")
    assert (record.operation_name, record.status, record.path) == ("campaigns_initApp", 200, "/graphql")


@pytest.mark.parametrize(
    "query, message_start",
    [
        ("{ viewer { nope } }", "Cannot query field 'nope' on type 'Viewer'."),
        ("{ viewer { ", "Syntax Error"),
        (
            'mutation { upsertViewerEntry(campaignId: "1", locale: "en") { id } }',
            "Field 'upsertViewerEntry' argument 'entry'",
        ),
    ],
)
def test_malformed_documents_are_validation_errors(gql, query, message_start):
    body = gql.execute(query)
    assert body["errors"][0]["message"].startswith(message_start)
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"


def test_unexpected_exception_is_an_internal_error_without_details(gql, demo_campaign):
    with (
        mock.patch("campaigns.selectors.get_campaign_for_viewer", side_effect=RuntimeError("secret detail")),
        mock.patch("campaigns.graphql.viewer.get_campaign_for_viewer", side_effect=RuntimeError("secret detail")),
    ):
        body = gql.execute('{ viewer { campaign(domain: "metallica.localhost") { id } } }')
    assert body["errors"] == [
        {
            "message": "Internal server error.",
            "locations": [{"line": 1, "column": 12}],
            "path": ["viewer", "campaign"],
            "extensions": {"code": "INTERNAL_ERROR"},
        }
    ]
    assert "secret" not in body["_response"].content.decode()


def test_mutation_over_get_is_refused(client):
    response = client.get("/graphql", {"query": "mutation { logout }"}, HTTP_ACCEPT="application/json")
    assert response.json()["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": "METHOD_NOT_ALLOWED"}


def test_graphiql_loads_only_local_assets():
    # given: GraphiQL asked for by a browser
    html = Client().get("/graphql", HTTP_ACCEPT="text/html").content.decode()
    # then: every script and stylesheet is a local static file that exists (nothing from a CDN)
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(urls) == 11  # GraphiQL's 9, and the page's own style and settings (no inline script: issue 33)
    for url in urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"missing static file {url}"
    assert "cdn.jsdelivr" not in html and "https://" not in html


@pytest.mark.django_db
def test_header_authenticated_calls_get_no_csrf_cookie(gql, sign_in):
    # given
    token = sign_in()
    # when
    with_header = gql.execute("{ viewer { isLoggedIn } }", token=token)["_response"]
    anonymous = gql.execute("{ viewer { isLoggedIn } }")["_response"]
    # then: the browser (cookie) path keeps its CSRF cookie, the header path sets none
    assert "csrftoken" not in with_header.cookies
    assert "csrftoken" in anonymous.cookies
