"""Cached anonymous answers are served before GraphQL runs (issue 23), still through the rate limit, the
request log, the correlation id and /metrics; keyed by host, normalized query and variables; ETag and
Cache-Control for a CDN; retired by the campaign generation."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign
from monoql import middleware
from monoql.graphql import view

pytestmark = pytest.mark.django_db

PAGE = """
query getCampaign($domain: String!, $locale: String) {
  viewer { campaign(domain: $domain, locale: $locale) { id name
    ... on RegistrationCampaign { currentLocale { id } markets { id name } } } }
}
"""


def _ask(query=PAGE, variables=None, host="testserver", **headers):
    return Client().post(
        "/graphql",
        {"query": query, "variables": variables or {"domain": "metallica.localhost", "locale": "en_US"}},
        content_type="application/json",
        HTTP_HOST=host,
        **headers,
    )


@pytest.fixture
def executions(count_calls):
    """Count GraphQL executions from now on (``execute`` in the GraphQL view)."""
    return count_calls(view, "execute")


def test_a_cached_answer_is_served_before_graphql_runs(demo_campaign, settings, executions, monkeypatch):
    # given the fan page asked once (computed and cached), rate limits on
    settings.RATE_LIMIT_ENABLED = True
    first = _ask()
    assert len(executions) == 1
    observed = []
    monkeypatch.setattr(middleware, "observe_graphql", lambda *args: observed.append(args[:2]))
    # when the same page is asked again, its query written with other whitespace
    with CaptureQueriesContext(connection) as queries:
        second = _ask(PAGE.replace("\n", "  \n "), HTTP_X_CORRELATION_ID="corr-123")
    # then the answer comes without a database query or GraphQL execution, and still passes the gate
    assert second.status_code == 200
    assert second.content == first.content
    assert len(queries) == 0
    assert len(executions) == 1
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert second["X-Correlation-Id"] == "corr-123"
    assert (second["X-RateLimit-Limit"], second["X-RateLimit-Remaining"]) == ("100", "98")
    assert observed == [("getCampaign", 200)]  # /metrics counts it under its operation name


def test_if_none_match_gets_a_304_until_the_generation_moves(demo_campaign):
    # given
    first = _ask()
    # when a CDN revalidates
    revalidated = _ask(HTTP_IF_NONE_MATCH=first["ETag"])
    Campaign.objects.get(pk=demo_campaign.pk).save()  # any campaign write bumps the generation
    after_write = _ask(HTTP_IF_NONE_MATCH=first["ETag"])
    # then
    assert (revalidated.status_code, revalidated.content) == (304, b"")
    assert after_write.status_code == 200
    assert after_write["ETag"] != first["ETag"]


def test_the_key_holds_host_and_variables(demo_campaign, settings, executions):
    # given the English page cached
    settings.ALLOWED_HOSTS = ["*"]
    english = _ask()
    # when the French page, and the same query on another host, are asked
    french = _ask(variables={"domain": "metallica.localhost", "locale": "fr_CA"})
    other_host = _ask(host="elsewhere.localhost")
    # then neither is served the English answer: each is computed
    assert len(executions) == 3
    assert english.json()["data"]["viewer"]["campaign"]["currentLocale"] == {"id": "en_US"}
    assert french.json()["data"]["viewer"]["campaign"]["currentLocale"] == {"id": "fr_CA"}
    assert other_host["ETag"] != english["ETag"]


def test_a_refused_request_is_refused_before_the_cache(demo_campaign, settings):
    # given the page cached and an anonymous budget of 2 per hour
    settings.RATE_LIMIT_ENABLED = True
    settings.RATE_LIMIT_ANON = "2/h"
    _ask()
    # when
    answers = [_ask() for _ in range(2)]
    # then the cache does not bypass the limit
    assert [answer.status_code for answer in answers] == [200, 429]
    assert answers[1].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


def test_signed_in_callers_are_never_answered_from_the_cache(demo_campaign, sign_in, executions):
    # given the page cached for anonymous callers
    _ask()
    token = sign_in()
    before = len(executions)
    # when a signed-in fan asks the same page
    answer = _ask(HTTP_AUTHORIZATION=f"Bearer {token}")
    # then GraphQL runs for them, and their answer carries no shared-cache headers
    assert answer.status_code == 200
    assert len(executions) == before + 1
    assert "ETag" not in answer
