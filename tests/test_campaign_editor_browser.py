"""The campaign editor in a real browser: a campaign manager builds the registration form with every field
type, the page copy in en_US and fr_CA, a card gate and options — without opening any JSON view — then
tries to open it incomplete, completes it and opens it; a rule's error lands on its control. The stored
campaign equals an exact document, and the same campaign built through ``upsertCampaign`` stores the same."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from campaigns.models import Campaign, CampaignStatus
from conftest import session_token_for
from tests.test_graphiql_browser import browser_page  # noqa: F401 - the shared Playwright page fixture

SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots" / "campaign-editor"
NEW_FIELDS = [  # (type, en_US label, fr_CA label)
    ("name", "Full name", "Nom complet"),
    ("zip", "Postal code", "Code postal"),
    ("ticket_count", "Tickets", "Billets"),
    ("boolean_select", "First show?", "Premier spectacle?"),
    ("freeform_text", "Why you?", "Pourquoi vous?"),
    ("checklist", "Merch", "Produits"),
]
FR_DEFAULT_LABELS = {
    "email": "Courriel",
    "phone": "Téléphone mobile",
    "market": "Votre spectacle",
    "optional_markets": "Autres spectacles",
    "allow_marketing": "Envoyez-moi des nouvelles",
}
EXPECTED_PREFERENCES = [
    {"id": "email", "type": "email", "is_optional": False, "label": {"en_US": "Email", "fr_CA": "Courriel"}},
    {
        "id": "phone",
        "type": "phone",
        "is_optional": False,
        "label": {"en_US": "Mobile phone", "fr_CA": "Téléphone mobile"},
    },
    {
        "id": "market",
        "type": "market_select",
        "is_optional": False,
        "label": {"en_US": "Your show", "fr_CA": "Votre spectacle"},
    },
    {
        "id": "optional_markets",
        "type": "additional_markets_select",
        "is_optional": True,
        "label": {"en_US": "Other shows", "fr_CA": "Autres spectacles"},
        "additional": {"max": 2},
    },
    {
        "id": "allow_marketing",
        "type": "opt_in",
        "is_optional": True,
        "label": {"en_US": "Send me news", "fr_CA": "Envoyez-moi des nouvelles"},
    },
    {"id": "name", "type": "name", "is_optional": True, "label": {"en_US": "Full name", "fr_CA": "Nom complet"}},
    {"id": "zip", "type": "zip", "is_optional": True, "label": {"en_US": "Postal code", "fr_CA": "Code postal"}},
    {
        "id": "ticket_count",
        "type": "ticket_count",
        "is_optional": False,
        "label": {"en_US": "Tickets", "fr_CA": "Billets"},
        "additional": {"min": 1, "max": 4},
    },
    {
        "id": "boolean_select",
        "type": "boolean_select",
        "is_optional": True,
        "label": {"en_US": "First show?", "fr_CA": "Premier spectacle?"},
    },
    {
        "id": "freeform_text",
        "type": "freeform_text",
        "is_optional": True,
        "label": {"en_US": "Why you?", "fr_CA": "Pourquoi vous?"},
    },
    {
        "id": "checklist",
        "type": "checklist",
        "is_optional": True,
        "label": {"en_US": "Merch", "fr_CA": "Produits"},
        "additional": {"items": [{"id": "shirt"}, {"id": "poster"}]},
    },
]
EXPECTED_OPTIONS = {"gate": {"card": "AMEX"}, "promptConfirmPhone": True, "showAccessCode": True}
EN_CONTENT = {
    "body": {
        "started": {"welcome": {"header": "Register now"}, "registration": {"submit_button_content": "Register"}},
        "terms": {"main": "One per person."},
    },
    "faqs": [{"id": "q1", "question": "Who?", "answer": "Fans."}],
}
FR_CONTENT = {"body": {"started": {"welcome": {"header": "Inscrivez-vous"}}}}


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _advanced_views_stay_closed(page):
    assert page.evaluate("[...document.querySelectorAll('details.builder-advanced')].every(d => !d.open)")
    assert page.evaluate(
        "[...document.querySelectorAll('fieldset.collapse')].every(f => !f.classList.contains('open') && !(f.closest('details') || {}).open)"
    )


def _add_field(page, kind):
    page.select_option(".builder-add-type", kind)
    page.click(".builder-add-button")


def _saved(page):
    """Wait for the answer of a save: the success message, or fail with the errors the page shows."""
    page.wait_for_selector(".messagelist .success, .errornote", timeout=15000)
    errors = page.eval_on_selector_all(
        ".errornote, .errorlist",
        "els => els.map(e => e.closest('.form-row, .inline-related, fieldset, div').className + ': ' + e.innerText)",
    )
    assert page.locator(".messagelist .success").count() == 1, errors


def _sign_in(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "pw-Test-123!")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


@pytest.mark.django_db(transaction=True)
def test_staff_build_a_campaign_without_json_and_open_it(live_server, browser_page, demo_campaign, gql):  # noqa: F811
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 1000})
    _sign_in(page, live_server)
    # Given a new campaign: it starts from the default form (email, phone, ranked shows, opt-in)
    page.goto(f"{live_server.url}/admin/campaigns/campaign/add/")
    assert page.eval_on_selector_all(".builder-field", "rows => rows.map(r => r.dataset.fieldId)") == [
        "email",
        "phone",
        "market",
        "optional_markets",
        "allow_marketing",
    ]
    page.fill("#id_name", "Editor-built tour")
    page.fill("#id_domain_site", "editor.localhost")
    page.fill("#id_date_close_0", "2030-01-15")
    page.fill("#id_date_close_1", "12:00:00")
    # When they add two locales (the builder offers a label per locale at once)
    for index, (locale, default) in enumerate((("en_US", True), ("fr_CA", False))):
        page.click("#locales-group .add-row a")
        page.fill(f"#id_locales-{index}-locale", locale)
        if default:
            page.check(f"#id_locales-{index}-is_default")
    page.fill("#id_locales-0-welcome_header", EN_CONTENT["body"]["started"]["welcome"]["header"])
    page.fill("#id_locales-0-registration_submit", "Register")
    page.fill("#id_locales-0-terms", "One per person.")
    page.fill("#id_locales-0-faqs_text", "Q: Who?\nA: Fans.")
    page.fill("#id_locales-1-welcome_header", FR_CONTENT["body"]["started"]["welcome"]["header"])
    for field_id, label in FR_DEFAULT_LABELS.items():
        index = ["email", "phone", "market", "optional_markets", "allow_marketing"].index(field_id)
        page.fill(f"#id_preferences-f{index}-label-fr_CA", label)
    page.fill("#id_preferences-f3-max", "2")
    # And add a field of every other type, with labels, options and bounds
    for offset, (kind, en, fr) in enumerate(NEW_FIELDS):
        index = 5 + offset
        _add_field(page, kind)
        page.fill(f"#id_preferences-f{index}-label-en_US", en)
        page.fill(f"#id_preferences-f{index}-label-fr_CA", fr)
    page.check("#id_preferences-f7-required")
    # (field types read in words, in the rows and the add menu; a new contact field starts required)
    assert page.locator(".builder-type").first.inner_text() == "Email address"
    assert "Number of tickets" in page.inner_text(".builder-add-type")
    _add_field(page, "phone")
    assert page.is_checked(f"#id_preferences-f{5 + len(NEW_FIELDS)}-required")
    page.click(
        f"button[aria-label='Remove phone_2'], #id_preferences-f{5 + len(NEW_FIELDS)}-required >> xpath=../..//button[@class='builder-remove']"
    )
    page.fill("#id_preferences-f7-min", "1")
    page.fill("#id_preferences-f7-max", "4")
    page.fill("#id_preferences-f10-items", "shirt\nposter")
    # And a card gate, phone confirmation and the code reveal, as controls
    page.select_option("#id_gate_card", "AMEX")
    page.check("#id_prompt_confirm_phone")
    page.check("#id_show_access_code")
    # Then the live preview shows the form as a fan will (in fr_CA when asked)
    page.click(".builder-preview-locale button:has-text('fr_CA')")
    preview = page.inner_text(".builder-preview-form")
    assert "Nom complet" in preview and "Billets *" in preview and "shirt" in preview
    _shot(page, "1-built")
    _advanced_views_stay_closed(page)
    page.click("input[name=_continue]")
    _saved(page)
    _shot(page, "2-saved")
    _advanced_views_stay_closed(page)

    # And the stored campaign is exactly the document built
    campaign = Campaign.objects.get(name="Editor-built tour")
    assert campaign.preferences == EXPECTED_PREFERENCES
    assert campaign.options == EXPECTED_OPTIONS
    locales = {row.locale: (row.is_default, row.content) for row in campaign.locales.all()}
    assert locales == {"en_US": (True, EN_CONTENT), "fr_CA": (False, FR_CONTENT)}

    # When they try to open it without a market, the missing item is listed and it stays a DRAFT
    assert "at least one market" in page.inner_text("#publish-checklist")
    page.click(".publish-button[data-status=OPEN]")
    page.wait_for_selector(".messagelist .error")
    assert "CAMPAIGN_NOT_PUBLISHABLE" in page.inner_text(".messagelist")
    assert "at least one market" in page.inner_text("#publish-checklist")
    _shot(page, "3-refused")
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT

    # When a rule fails on save, its error lands on the control it names (a repeated field id)
    page.fill("#id_preferences-f6-id", "name")
    page.click("input[name=_continue]")
    page.wait_for_selector(".errornote")
    assert "repeats the id 'name'" in page.inner_text(".field-preferences .errorlist")
    _shot(page, "4-error-on-control")
    page.fill("#id_preferences-f6-id", "zip")

    # When they add a market and open it
    page.click("#markets-group .add-row a")
    for field, value in (
        ("name", "Chicago, IL"),
        ("city", "Chicago"),
        ("state", "IL"),
        ("timezone", "America/Chicago"),
    ):
        page.fill(f"#id_markets-0-{field}", value)
    page.evaluate("document.querySelectorAll('#markets-0 details').forEach(d => d.open = true)")
    page.fill("#id_markets-0-event_ids", json.dumps(["E-CHI"]))
    page.click("input[name=_continue]")
    _saved(page)
    assert "Ready to open" in page.inner_text("#publish-checklist")
    page.click(".publish-button[data-status=OPEN]")
    page.wait_for_selector(".messagelist li")
    assert "now OPEN" in page.inner_text(".messagelist")
    _shot(page, "5-opened")
    # Then it is OPEN
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.OPEN

    # And the same campaign built through upsertCampaign stores the same documents
    body = gql.execute(
        "mutation U($c: CampaignInput!) { upsertCampaign(campaign: $c) { id } }",
        {
            "c": {
                "type": "registration",
                "name": "API-built tour",
                "domain": {"site": "api-built.localhost"},
                "preferences": EXPECTED_PREFERENCES,
                "options": EXPECTED_OPTIONS,
                "locales": [{"id": "en_US", "is_default": True}, {"id": "fr_CA", "is_default": False}],
                "content": {
                    "localized": [{"locale": "en_US", "value": EN_CONTENT}, {"locale": "fr_CA", "value": FR_CONTENT}]
                },
            }
        },
        token=session_token_for("supreme"),
    )
    assert "errors" not in body, body
    api = Campaign.objects.get(pk=body["data"]["upsertCampaign"]["id"])
    built = Campaign.objects.get(pk=campaign.pk)
    assert (api.preferences, api.options, api.slack, api.event_ids, api.login_types) == (
        built.preferences,
        built.options,
        built.slack,
        built.event_ids,
        built.login_types,
    )
    assert {row.locale: row.content for row in api.locales.all()} == {
        row.locale: row.content for row in built.locales.all()
    }


@pytest.mark.django_db(transaction=True)
def test_on_a_1280_px_screen_the_editor_shows_the_form_beside_its_preview(live_server, browser_page, demo_campaign):  # noqa: F811
    # Given a campaign manager on a 1280 px screen
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server)
    # When they open the demo campaign in the editor
    page.goto(f"{live_server.url}/admin/campaigns/campaign/{demo_campaign.pk}/change/")
    page.wait_for_selector(".builder-field")
    _shot(page, "editor-1280")
    # Then the page does not scroll sideways, the builder lists the campaign's fields and the fan's preview
    # stands beside them, in the same band of the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.eval_on_selector_all(".builder-field", "rows => rows.map(r => r.dataset.fieldId)") == [
        preference["id"] for preference in demo_campaign.preferences
    ]
    fields = page.locator(".builder-fields").bounding_box()
    preview = page.locator(".builder-preview").bounding_box()
    assert preview["x"] >= fields["x"] + fields["width"]
    assert fields["y"] <= preview["y"] < fields["y"] + fields["height"]
    _advanced_views_stay_closed(page)
