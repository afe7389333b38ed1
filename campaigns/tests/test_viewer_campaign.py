"""viewer.campaign: lookup, locale fallback, visibility, query count (catalog §1.7, decisions.md #6)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import CampaignPermission, Fan, Supreme
from campaigns.models import Campaign, CampaignStatus
from monoql.locales import normalize_locale

pytestmark = pytest.mark.django_db

CONTENT = """
query($locale: String, $all: Boolean) {
  viewer {
    campaign(domain: "metallica.localhost", locale: $locale, showAllLocales: $all) {
      ... on RegistrationCampaign {
        currentLocale { id is_default }
        locales { id is_default }
        content { localized { locale value { body { started { welcome { header } } } } } fr_CA { meta } en_US { meta } }
        preferences { id label { localized { locale value } } }
      }
    }
  }
}
"""


@pytest.mark.parametrize(
    "requested, shown",
    [("fr_CA", "fr_CA"), ("fr-ca", "fr_CA"), ("fr", "fr_CA"), ("en-US", "en_US"), ("de_DE", "en_US"), (None, "en_US")],
)
def test_locale_fallback_requested_then_default(gql, demo_campaign, requested, shown):
    # when
    campaign = gql.execute(CONTENT, {"locale": requested})["data"]["viewer"]["campaign"]
    # then
    assert campaign["currentLocale"] == {"id": shown, "is_default": shown == "en_US"}
    assert [item["locale"] for item in campaign["content"]["localized"]] == [shown]
    assert campaign["preferences"][0]["label"]["localized"] == [
        {"locale": shown, "value": "Email" if shown == "en_US" else "Courriel"}
    ]
    assert (campaign["content"]["fr_CA"] is None) == (shown != "fr_CA")


def test_show_all_locales_returns_every_locale(gql, demo_campaign):
    campaign = gql.execute(CONTENT, {"all": True})["data"]["viewer"]["campaign"]
    assert [item["locale"] for item in campaign["content"]["localized"]] == ["en_US", "fr_CA"]
    assert campaign["locales"] == [{"id": "en_US", "is_default": True}, {"id": "fr_CA", "is_default": False}]
    assert (
        campaign["content"]["localized"][1]["value"]["body"]["started"]["welcome"]["header"]
        == "Inscrivez-vous à la prévente Verified Fan"
    )


def test_campaign_without_locales_falls_back_to_en_us(gql, demo_campaign):
    demo_campaign.locales.all().delete()
    campaign = gql.execute(CONTENT, {"locale": "fr_CA"})["data"]["viewer"]["campaign"]
    assert campaign["currentLocale"] == {"id": "en_US", "is_default": True}
    assert campaign["content"]["localized"] == []


@pytest.mark.parametrize("spelling", ["en_US", "en-US", "en-us", "en_us"])
def test_locale_spellings_normalise(spelling):
    assert normalize_locale(spelling) == "en_US"


def test_unknown_domain_is_not_found(gql, demo_campaign):
    body = gql.execute('{ viewer { isLoggedIn campaign(domain: "nobody.localhost") { id } } }')
    assert body["data"] == {"viewer": {"isLoggedIn": False, "campaign": None}}
    assert body["errors"][0]["message"] == "Campaign not found."
    assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND", "reason": "CAMPAIGN_NOT_FOUND"}


def _viewer(kind, campaign):
    if kind == "anonymous":
        return None
    fan = Fan.objects.create(global_user_id=f"g-{kind}", email=f"{kind}@example.com")
    if kind == "supreme":
        Supreme.objects.create(fan=fan)
    if kind == "reader":
        CampaignPermission.objects.create(fan=fan, campaign=campaign, action="read")
    return fan


@pytest.mark.parametrize(
    "status, viewer, visible",
    [
        (CampaignStatus.OPEN, "anonymous", True),
        (CampaignStatus.CLOSED, "fan", True),
        (CampaignStatus.DRAFT, "anonymous", False),
        (CampaignStatus.DRAFT, "fan", False),
        (CampaignStatus.DRAFT, "reader", True),
        (CampaignStatus.DRAFT, "supreme", True),
        (CampaignStatus.PREVIEW, "fan", False),
        (CampaignStatus.PREVIEW, "reader", True),
    ],
)
def test_draft_and_preview_campaigns_are_visible_to_readers_only(gql, sign_in, demo_campaign, status, viewer, visible):
    # given
    Campaign.objects.filter(pk=demo_campaign.pk).update(status=status)
    fan = _viewer(viewer, demo_campaign)
    token = sign_in(fan.email, global_user_id=fan.global_user_id) if fan else None
    gql.client.cookies.clear()
    # when
    body = gql.execute('{ viewer { campaign(domain: "metallica.localhost") { id status } } }', token=token)
    # then
    assert (body["data"]["viewer"]["campaign"] is not None) == visible
    assert Campaign.objects.get().status == status


def test_preview_domain_shows_a_preview_campaign(gql, demo_campaign):
    Campaign.objects.filter(pk=demo_campaign.pk).update(
        status=CampaignStatus.PREVIEW, domain_preview="preview.metallica.localhost"
    )
    body = gql.execute('{ viewer { campaign(domain: "preview.metallica.localhost") { id status } } }')
    assert body["data"]["viewer"]["campaign"] == {"id": demo_campaign.pk, "status": "PREVIEW"}


def test_password_protected_campaign(gql, demo_campaign):
    Campaign.objects.filter(pk=demo_campaign.pk).update(options={"requirePassword": True, "passwordValue": "s3cret"})
    query = 'query($p: String) { viewer { campaign(domain: "metallica.localhost", password: $p) { id } } }'
    wrong = gql.execute(query, {"p": "nope"})
    right = gql.execute(query, {"p": "s3cret"})
    assert wrong["errors"][0]["extensions"] == {
        "code": "FORBIDDEN",
        "reason": "INVALID_CAMPAIGN_PASSWORD",
        "field": "password",
    }
    assert right["data"]["viewer"]["campaign"] == {"id": demo_campaign.pk}


FAN_PAGE = """
{ viewer { isLoggedIn campaign(domain: "metallica.localhost") {
    id name status domain { site } date { open close generalOnsale }
    markets { id name city state point { latitude longitude } event { id ids date venue { name } } }
    ... on RegistrationCampaign { artist { name } currentLocale { id } locales { id } preferences { id type }
      content { localized { locale value { body { started { welcome { header } } } } } }
      entry { fields } eligibility { isEligible reason } }
} } }
"""


def test_fan_page_query_count_is_fixed(gql, sign_in, demo_campaign):
    # given: a signed-in fan (header auth)
    token = sign_in()
    gql.client.cookies.clear()
    # when
    with CaptureQueriesContext(connection) as queries:
        body = gql.execute(FAN_PAGE, token=token)
    # then: fan, campaign+artist, locales, markets, the fan's entry — and no query per market
    assert "errors" not in body, body
    assert len(body["data"]["viewer"]["campaign"]["markets"]) == 16
    assert len(queries) == 5, [q["sql"][:120] for q in queries]


def test_anonymous_fan_page_query_count(gql, demo_campaign):
    with CaptureQueriesContext(connection) as queries:
        body = gql.execute(FAN_PAGE)
    assert body["data"]["viewer"]["campaign"]["eligibility"] == {"isEligible": True, "reason": None}
    assert len(queries) == 3, [q["sql"][:120] for q in queries]
