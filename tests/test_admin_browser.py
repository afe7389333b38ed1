"""A campaign manager builds a campaign in the Django admin in a real browser, and fans can load it."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from campaigns.models import Campaign, OutboundEvent
from conftest import session_token_for
from tests.test_graphiql_browser import browser_page  # noqa: F401 - the shared Playwright page fixture

SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots" / "admin"
EN = {"body": {"started": {"welcome": {"header": "Register for the presale"}}}}
FR = {"body": {"started": {"welcome": {"header": "Inscrivez-vous à la prévente"}}}}
PAGE = """
query getCampaign($domain: String!, $locale: String) {
  viewer { campaign(domain: $domain, locale: $locale) {
    name status
    ... on RegistrationCampaign {
      locales { id is_default }
      markets { name city timezone event { ids } }
      content { localized { locale value { body { started { welcome { header } } } } } }
    }
  } }
}
"""


def _sign_in_admin(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "pw-Test-123!")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def _add_inline(page, group: str):
    page.click(f"#{group}-group .add-row a")


@pytest.mark.django_db(transaction=True)
def test_staff_creates_a_campaign_with_markets_and_two_locales(live_server, browser_page, demo_campaign, gql):  # noqa: F811
    page = browser_page
    # given: the campaign manager signs in to the admin
    _sign_in_admin(page, live_server)
    # when: they fill a new campaign with two locales and two markets and save
    page.goto(f"{live_server.url}/admin/campaigns/campaign/add/")
    page.fill("#id_name", "Admin-built tour")
    page.fill("#id_domain_site", "admin-built.localhost")
    for index, (locale, content, default) in enumerate((("en_US", EN, True), ("fr_CA", FR, False))):
        _add_inline(page, "locales")
        page.fill(f"#id_locales-{index}-locale", locale)
        if default:
            page.check(f"#id_locales-{index}-is_default")
        page.fill(f"#id_locales-{index}-welcome_header", content["body"]["started"]["welcome"]["header"])
    for index, (city, state, zone, event) in enumerate(
        (("Chicago", "IL", "America/Chicago", "E-CHI"), ("Toronto", "ON", "America/Toronto", "E-TOR"))
    ):
        _add_inline(page, "markets")
        page.fill(f"#id_markets-{index}-name", f"{city}, {state}")
        page.fill(f"#id_markets-{index}-city", city)
        page.fill(f"#id_markets-{index}-state", state)
        page.fill(f"#id_markets-{index}-timezone", zone)
        page.evaluate(f"document.querySelectorAll('#markets-{index} details').forEach(d => d.open = true)")
        page.fill(f"#id_markets-{index}-event_ids", json.dumps([event]))
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success", timeout=15000)
    # then: the campaign is stored and served by viewer.campaign(domain:)
    campaign = Campaign.objects.get(name="Admin-built tour")
    body = gql.execute(PAGE, {"domain": "admin-built.localhost", "locale": "fr-CA"}, token=session_token_for("supreme"))
    served = body["data"]["viewer"]["campaign"]
    assert served["status"] == "DRAFT"
    assert served["locales"] == [{"id": "en_US", "is_default": True}, {"id": "fr_CA", "is_default": False}]
    assert [(m["name"], m["timezone"], m["event"]["ids"]) for m in served["markets"]] == [
        ("Chicago, IL", "America/Chicago", ["E-CHI"]),
        ("Toronto, ON", "America/Toronto", ["E-TOR"]),
    ]
    assert served["content"]["localized"] == [
        {"locale": "fr_CA", "value": {"body": {"started": {"welcome": {"header": "Inscrivez-vous à la prévente"}}}}}
    ]
    assert set(OutboundEvent.objects.filter(campaign_id=campaign.pk).values_list("event_type", flat=True)) == {
        "campaign.created",
        "market.created",
    }
    # and an operator reads, on an event's page, where it went: one delivery per sink (here the log), delivered
    event = OutboundEvent.objects.filter(campaign_id=campaign.pk, event_type="campaign.created").get()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/campaigns/outboundevent/{event.pk}/change/")
    cells = page.eval_on_selector_all(
        "#deliveries-group tbody tr.has_original td.field-sink, #deliveries-group tbody tr td.field-sink",
        "cells => cells.map(c => c.textContent.trim())",
    )
    assert cells == ["log"]
    assert page.inner_text("#deliveries-group td.field-attempts").strip() == "1"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "outbound-event-deliveries-1280.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_admin_shows_rule_errors_on_the_form_and_saves_nothing(live_server, browser_page, demo_campaign):  # noqa: F811
    page = browser_page
    _sign_in_admin(page, live_server)
    # when: the domain is taken by the demo campaign and a market has an unknown time zone
    page.goto(f"{live_server.url}/admin/campaigns/campaign/add/")
    page.fill("#id_name", "Clash")
    page.fill("#id_domain_site", "metallica.localhost")
    _add_inline(page, "locales")
    page.fill("#id_locales-0-locale", "en_US")
    page.check("#id_locales-0-is_default")
    _add_inline(page, "markets")
    for field, value in (("name", "X"), ("city", "X"), ("state", "X"), ("timezone", "Mars/Base")):
        page.fill(f"#id_markets-0-{field}", value)
    page.click("input[name=_save]")
    page.wait_for_selector(".errornote")
    # then
    text = page.inner_text("#content")
    assert "DOMAIN_NAME_CONFLICT" in text
    assert "INVALID_TIMEZONE" in text
    assert not Campaign.objects.filter(name="Clash").exists()
