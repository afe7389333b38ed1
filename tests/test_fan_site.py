"""The fan site over HTTP: hosts, routes, the committed documents, caching, CSP, development sign-in."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from graphql import build_schema, parse, validate

from campaigns.services.upsert_campaign import upsert_campaign
from conftest import TEST_ACTOR
from monoql.site.views import CSP, DOCUMENTS

pytestmark = pytest.mark.django_db
SITE = "metallica.localhost"


def test_the_committed_documents_are_valid_against_the_contract():
    # Given schema.graphql (the committed contract), when each site document is validated, then none has an error
    contract = build_schema((Path(settings.BASE_DIR) / "schema.graphql").read_text())
    assert set(DOCUMENTS) == {
        "Authenticate",
        "CampaignPage",
        "Logout",
        "SendPhoneConfirmationCode",
        "SubmitConfirm",
        "UpsertViewerEntry",
        "VerifyPhoneConfirmationCode",
        "SetViewerDoNotSell",
        "ViewerPersonalData",
    }
    for name, text in DOCUMENTS.items():
        assert validate(contract, parse(text)) == [], name


def test_a_campaign_domain_serves_its_site_and_the_api_on_the_same_host(demo_campaign):
    # Given the demo campaign's domain, which is in no fixed host list
    client = Client(HTTP_HOST=SITE)
    # When a fan opens / there, and a client posts to /graphql there
    page = client.get("/")
    api = client.post("/graphql", {"query": "{ viewer { isLoggedIn } }"}, content_type="application/json")
    # Then both answer: the landing page with its CSP, and the API
    assert page.status_code == 200
    assert "<h1>Metallica - WorldWired Tour 2017</h1>" in page.content.decode()
    assert page["Content-Security-Policy"] == CSP
    assert "script-src 'self';" in CSP and "unsafe-inline" not in CSP
    assert api.json() == {"data": {"viewer": {"isLoggedIn": False}}}


def test_an_unknown_host_is_refused_with_a_coded_error(demo_campaign, settings):
    settings.PROJECT_HOSTS = ["localhost", "testserver"]
    response = Client(HTTP_HOST="evil.example.com").get("/")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "VALIDATION_ERROR", "reason": "INVALID_HOST"}


def test_a_new_campaign_domain_works_without_a_deploy(demo_campaign, settings):
    # Given a host list without it, when a campaign takes a new domain, then its site answers at once
    settings.PROJECT_HOSTS = ["localhost", "testserver"]
    assert Client(HTTP_HOST="tour.example.com").get("/").status_code == 400
    upsert_campaign({"id": demo_campaign.pk, "domain": {"site": "tour.example.com"}}, actor=TEST_ACTOR)
    assert Client(HTTP_HOST="tour.example.com").get("/").status_code == 200


def test_the_local_path_serves_the_same_site_and_an_unknown_domain_is_404(demo_campaign):
    assert Client().get(f"/c/{SITE}/?locale=fr_CA").status_code == 200
    assert 'lang="fr"' in Client().get(f"/c/{SITE}/?locale=fr_CA").content.decode()
    assert Client().get("/c/nowhere.localhost/").status_code == 404


def test_the_anonymous_landing_page_is_cacheable_with_an_etag(demo_campaign, django_assert_max_num_queries):
    # Given a first anonymous visit
    client = Client(HTTP_HOST=SITE)
    first = client.get("/")
    etag = first["ETag"]
    assert first["Cache-Control"] == "public, max-age=60"
    # When the page is asked again, then it comes from the answer cache without a query, and 304 on a match
    with django_assert_max_num_queries(0):
        again = client.get("/")
    assert again.content == first.content and again["ETag"] == etag
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    # And a campaign change gives a new page
    upsert_campaign({"id": demo_campaign.pk, "name": "Metallica - Renamed"}, actor=TEST_ACTOR)
    assert client.get("/")["ETag"] != etag


def test_steps_send_an_anonymous_fan_to_sign_in_first(demo_campaign):
    client = Client(HTTP_HOST=SITE)
    for step in ("register", "phone", "status"):
        response = client.get(f"/{step}?locale=fr_CA")
        assert (response.status_code, response["Location"]) == (302, "/signin?locale=fr_CA")


def test_the_development_sign_in_exists_only_with_the_development_provider(demo_campaign, settings):
    client = Client(HTTP_HOST=SITE)
    minted = client.post("/dev-sign-in", {"email": "Fan@Example.com"}, content_type="application/json")
    assert minted.status_code == 200 and minted.json()["token"].count(".") == 2
    bad = client.post("/dev-sign-in", {"email": "nope"}, content_type="application/json")
    assert bad.json()["errors"][0]["extensions"] == {"code": "VALIDATION_ERROR", "field": "email"}
    settings.PRODUCTION = True
    assert client.post("/dev-sign-in", {"email": "fan@example.com"}, content_type="application/json").status_code == 404
    assert "dev-sign-in" not in client.get("/signin").content.decode()


def test_check_deploy_refuses_the_development_sign_in(settings):
    settings.IDENTITY_PROVIDER, settings.PRODUCTION = "development", False
    with pytest.raises(SystemCheckError, match="monoql.E001"):
        call_command("check", "--deploy", "--tag", "security")


def test_the_admin_view_site_link_opens_the_campaigns_fan_site(client, demo_campaign):
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.com", "pw-Root-123!"))
    page = client.get(f"/admin/campaigns/campaign/{demo_campaign.pk}/change/").content.decode()
    assert f'href="/c/{SITE}/"' in page


def test_a_mangled_locale_in_a_link_shows_the_default_locale_not_an_error(demo_campaign):
    # given links to the landing page and a step with a locale that is no locale
    client = Client(HTTP_HOST=SITE)
    # when a fan follows them
    answers = [client.get(path, {"locale": "%%'><"}) for path in ("/", "/register")]
    # then the landing page answers in the campaign's default locale, the step sends them to sign in as usual
    assert [answer.status_code for answer in answers] == [200, 302]
    assert '<html lang="en">' in answers[0].content.decode()
