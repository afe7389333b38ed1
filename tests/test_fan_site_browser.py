"""The fan site in a real browser (Playwright + Debian chromium): a fan's journey in en_US and fr_CA, a gate
that refuses and says why, and the status page after selection. Every /graphql request the browser sends
is one of the committed documents; no CSP violation; axe-core finds no violation at all (any impact); 375 px wide and usable
by keyboard; at 1280 px one readable centred column. Screenshots of each page go to
``artifacts/screenshots/fan-site/``."""

import json
import os
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.identity import mint_development_identity_token
from campaigns.services.lifecycle import refresh_campaign_statuses
from campaigns.services.upsert_campaign import upsert_campaign
from codes.models import Code
from conftest import AUTHENTICATE, TEST_ACTOR
from entries.selection.services.selection import apply_selection, trigger_selection
from entries.selection.services.wave_prep import run_wave_prep, trigger_wave_prep
from entries.selection.tests.selection_factory import add_codes
from entries.services.invites import add_invites
from monoql.site.views import DOCUMENTS
from tests.oidc_support import oidc_provider, oidc_site
from tests.test_graphiql_browser import CHROMIUM, CHROMIUM_ARGS

__all__ = ["oidc_provider", "oidc_site"]  # fixtures

AXE = Path(settings.BASE_DIR) / "assets" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots" / "fan-site"
SITE = "/c/metallica.localhost/"
PHONE = "+12125550123"

pytestmark = pytest.mark.django_db(transaction=True)


class Watch:
    """What the page did that a person would not see: GraphQL documents sent, CSP violations, JS errors."""

    def __init__(self, page):
        self.queries, self.console, self.errors = [], [], []
        page.on("request", self._request)
        page.on("console", lambda message: self.console.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _request(self, request):
        if request.url.endswith("/graphql") and request.method == "POST":
            self.queries.append(request.post_data_json["query"])

    def csp_violations(self):
        return [text for text in self.console if "Content Security Policy" in text or "Refused to" in text]


@pytest.fixture
def browser():
    assert shutil.which(CHROMIUM) or os.path.exists(CHROMIUM), f"chromium not found at {CHROMIUM} (.ci/run installs it)"
    assert AXE.exists(), "axe-core is installed by `make assets` (assets/package.json)"
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def confirm_phone_campaign(demo_campaign):
    """The demo campaign, asking fans to confirm their phone (through the campaign service)."""
    options = {**(demo_campaign.options or {}), "promptConfirmPhone": True}
    return upsert_campaign({"id": demo_campaign.pk, "options": options}, actor=TEST_ACTOR)


def _check_page(page, name, locale, width=375):
    """Screenshot, axe-core (no violation of any impact), ``width`` px without horizontal scroll."""
    page.screenshot(path=str(SHOTS / f"{locale}-{name}.png"), full_page=True)
    page.evaluate(AXE.read_text())
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => v.id + ': ' + v.nodes[0].target)"
    )
    assert violations == [], (name, violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name


def _tab_reaches_every_control(page):
    """Tab from the top visits every enabled control of the page, each with a visible focus outline."""
    controls = page.evaluate(
        "[...document.querySelectorAll('a[href], button:not([disabled]), input, select, textarea, summary')]"
        ".filter(e => e.offsetParent !== null).length"
    )
    seen = set()
    for _ in range(controls + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
            " return [e.tagName + '#' + (e.id || e.name || e.textContent.trim().slice(0, 20)), s.outlineStyle, s.outlineWidth]; })()"
        )
        seen.add(focused[0])
        if focused[0].startswith("BODY"):
            continue
        assert focused[1] != "none" and focused[2] != "0px", f"no visible focus on {focused[0]}"
    assert len(seen - {"BODY#"}) >= controls


@pytest.mark.parametrize(
    "locale, width, texts",
    [
        (
            "en_US",
            375,
            {
                "cta": "Sign in",
                "provider": "Continue with Example ID",
                "registered": "You're registered",
                "eligible": "You are eligible.",
                "confirm": "Confirm your phone to take part",
            },
        ),
        (
            "fr_CA",
            1280,
            {
                "cta": "Se connecter",
                "provider": "Continuer avec Example ID",
                "registered": "Vous êtes inscrit",
                "eligible": "Vous êtes admissible.",
                "confirm": "Confirmez votre téléphone pour participer",
            },
        ),
    ],
)
def test_a_fan_signs_in_at_the_identity_provider_registers_confirms_the_phone_and_sees_the_confirmation(
    live_server, browser, confirm_phone_campaign, oidc_site, capsys, locale, width, texts
):
    """Issue 39: the whole journey with the real sign-in: a phone (375 px) in English, a laptop (1280 px) in French."""
    # Given a browser on the campaign's landing page
    page = browser.new_page(viewport={"width": width, "height": 900})
    watch = Watch(page)
    page.goto(f"{live_server.url}{SITE}?locale={locale}")
    assert page.inner_text("h1") == "Metallica - WorldWired Tour 2017"
    assert page.locator("html").get_attribute("lang") == locale[:2]
    assert page.locator(".shows li").count() == confirm_phone_campaign.markets.count()
    _check_page(page, "landing", locale, width)
    _tab_reaches_every_control(page)

    # When the fan signs in at the OpenID Connect provider (its own page) and comes back
    page.click(f"a.button:has-text('{texts['cta']}')")
    page.wait_for_selector("#sign-in-oidc")
    _check_page(page, "signin", locale, width)
    page.click(f"text={texts['provider']}")
    page.wait_for_selector("input[name=login]")
    assert page.url.startswith(oidc_site.issuer)
    page.fill("input[name=login]", f"journey-{locale.lower()}@example.com")
    page.fill("input[name=password]", "any password")
    page.click("button[type=submit]")

    # And registers with three ranked shows
    page.wait_for_selector("#register")
    assert page.url.startswith(f"{live_server.url}{SITE}register?locale={locale}")
    _check_page(page, "register", locale, width)
    assert page.input_value("#f-email") == f"journey-{locale.lower()}@example.com"
    page.fill("#f-phone", PHONE)
    options = page.eval_on_selector_all("#f-market option", "os => os.map(o => o.value).filter(Boolean)")
    page.select_option("#f-market", options[0])
    page.select_option("#f-optional_markets-0", options[1])
    page.select_option("#f-optional_markets-1", options[2])
    page.check("#f-allow_marketing")
    page.click("#register button[type=submit]")

    # (before confirming, the status page says to confirm the phone to take part, not "eligible": issue 39)
    page.wait_for_selector("#phone")
    phone_url = page.url
    page.goto(phone_url.replace("/phone", "/status"))
    pending = page.inner_text(".result")
    assert texts["confirm"] in pending and texts["eligible"] not in pending
    page.goto(phone_url)
    # And confirms the phone with the code the console SMS backend printed
    page.wait_for_selector("#phone")
    capsys.readouterr()
    page.click("[data-action=send-code]")
    page.wait_for_selector(".sent:not(:empty)")
    code = re.search(r"SMS to \+12125550123 \[[^\]]*\]: (\d{6})", capsys.readouterr().out).group(1)
    _check_page(page, "phone", locale, width)
    page.fill("#code", code)
    page.click("#phone button[type=submit]")

    # Then the status page confirms the registration, with the three shows in the order chosen
    page.wait_for_selector(".facts")
    _check_page(page, "status", locale, width)
    body = page.inner_text("main")
    assert texts["registered"] in body
    assert texts["eligible"] in body
    names = dict(confirm_phone_campaign.markets.values_list("id", "name"))
    assert page.eval_on_selector_all("ol.shows strong", "els => els.map(e => e.textContent)") == [
        names[options[0]],
        names[options[1]],
        names[options[2]],
    ]
    # And the browser spoke only the committed documents, without CSP violations or script errors
    assert watch.queries and set(watch.queries) <= set(DOCUMENTS.values())
    assert {name for name, text in DOCUMENTS.items() if text in watch.queries} == {
        "UpsertViewerEntry",
        "SendPhoneConfirmationCode",
        "VerifyPhoneConfirmationCode",
        "SubmitConfirm",
    }
    assert watch.csp_violations() == []
    assert watch.errors == []


def test_on_a_1280_px_screen_the_pages_keep_a_readable_centred_column(live_server, browser, demo_campaign):
    # Given a desktop browser (1280 px) on the campaign's landing page
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch = Watch(page)
    page.goto(f"{live_server.url}{SITE}")
    assert page.inner_text("h1") == "Metallica - WorldWired Tour 2017"
    assert page.locator(".shows li").count() == demo_campaign.markets.count()
    # Then the content is one centred column of at most 44rem (704 px), not stretched across the screen
    box = page.locator("main").bounding_box()
    assert box["width"] == 704
    assert box["x"] == (1280 - 704) / 2
    _check_page(page, "desktop-landing", "en_US", width=1280)

    # When the fan signs in and reaches the registration form
    page.click("a.button:has-text('Sign in')")
    page.wait_for_selector("#sign-in")
    _check_page(page, "desktop-signin", "en_US", width=1280)
    page.fill("#email", "desktop@example.com")
    page.keyboard.press("Enter")
    page.wait_for_selector("#register")

    # Then the form's fields fill the column, the email already filled in
    _check_page(page, "desktop-register", "en_US", width=1280)
    assert page.input_value("#f-email") == "desktop@example.com"
    assert page.locator("#f-market").bounding_box()["width"] <= 704
    assert watch.csp_violations() == []
    assert watch.errors == []


def test_a_gated_campaign_refuses_a_fan_without_the_card_and_says_why(live_server, browser, demo_campaign):
    # Given a campaign for AMEX holders
    options = {**(demo_campaign.options or {}), "gate": {"card": "AMEX"}}
    upsert_campaign({"id": demo_campaign.pk, "options": options}, actor=TEST_ACTOR)
    page = browser.new_page(viewport={"width": 375, "height": 812})
    watch = Watch(page)
    # When a fan without the card signs in
    page.goto(f"{live_server.url}{SITE}signin")
    page.fill("#email", "nocard@example.com")
    page.click("#sign-in button[type=submit]")
    # Then the registration page says why they cannot register, and offers no form
    page.wait_for_selector(".refusal")
    _check_page(page, "gate", "en_US")
    assert "This presale is for holders of a specific card." in page.inner_text(".refusal")
    assert page.locator("#register").count() == 0
    assert watch.csp_violations() == []


def test_the_status_page_shows_the_selected_market_and_the_code_in_the_presale_window(
    live_server, browser, demo_campaign, gql
):
    # Given a fan registered for the demo campaign (through the API), selected by a wave prep and selection
    signed = gql.execute(AUTHENTICATE, {"token": mint_development_identity_token("winner@example.com")})
    token = signed["data"]["authenticate"]["auth"]["token"]
    market = demo_campaign.markets.order_by("name").first()
    body = gql.execute(
        'mutation($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { id } }',
        {"c": demo_campaign.pk, "e": {"email": "winner@example.com", "phone": PHONE, "market": market.pk}},
        token=token,
    )
    assert "errors" not in body, body
    demo_campaign.entries.update(verdict=True)
    now = timezone.now()
    demo_campaign.date_close = now - timedelta(minutes=2)
    demo_campaign.date_presale_window_start = now - timedelta(minutes=1)
    demo_campaign.date_presale_window_end = now + timedelta(days=1)
    demo_campaign.options = {**(demo_campaign.options or {}), "showAccessCode": True}
    demo_campaign.save()
    demo_campaign.markets.update(event_presale_date_time=now - timedelta(minutes=1))
    refresh_campaign_statuses(now=now, actor=TEST_ACTOR)
    add_codes(demo_campaign, 3)
    wave_prep = run_wave_prep(trigger_wave_prep(campaign_id=demo_campaign.pk, date_key="wave-1", actor=TEST_ACTOR).pk)
    trigger_selection(campaign_id=demo_campaign.pk, market_ids=[market.pk], actor=TEST_ACTOR)
    apply_selection(wave_prep.pk, [market.pk])
    # When the fan signs in on the site and opens their status
    page = browser.new_page(viewport={"width": 375, "height": 812})
    page.goto(f"{live_server.url}{SITE}signin")
    page.fill("#email", "winner@example.com")
    page.click("#sign-in button[type=submit]")
    page.wait_for_selector(".result.selected")
    # Then they see the market they were selected for and their code
    _check_page(page, "selected", "en_US")
    assert f"You were selected — {market.name}" in page.inner_text(".result.selected h2")
    code = Code.objects.get(campaign=demo_campaign, date_assigned__isnull=False)
    assert page.inner_text("#presale-code") == code.code
    assert page.get_attribute(".result.selected a.button", "href") == market.event_link


def test_a_fan_downloads_their_data_and_says_do_not_sell_from_the_status_page(live_server, browser, demo_campaign, gql):
    # Given a fan registered for the demo campaign, opted in to the artist's news
    signed = gql.execute(AUTHENTICATE, {"token": mint_development_identity_token("private@example.com")})
    token = signed["data"]["authenticate"]["auth"]["token"]
    market = demo_campaign.markets.order_by("name").first()
    entry = {"email": "private@example.com", "phone": PHONE, "market": market.pk, "allow_marketing": True}
    body = gql.execute(
        'mutation($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { id } }',
        {"c": demo_campaign.pk, "e": entry},
        token=token,
    )
    assert "errors" not in body, body
    # When they sign in, open their status page and download their data
    page = browser.new_page(viewport={"width": 375, "height": 812}, accept_downloads=True)
    page.goto(f"{live_server.url}{SITE}signin")
    page.fill("#email", "private@example.com")
    page.click("#sign-in button[type=submit]")
    page.wait_for_selector("#download-data")
    with page.expect_download() as download_info:
        page.click("#download-data")
    download = download_info.value
    data = json.loads(Path(download.path()).read_text())
    # Then the file is their data: their account and their entry
    assert download.suggested_filename == "my-data.json"
    assert data["tables"]["accounts.fan"][0]["email"] == "private@example.com"
    assert data["tables"]["entries.entry"][0]["fields"]["allow_marketing"] is True
    assert page.inner_text("#privacy-status") == "Your data is downloaded as my-data.json."
    # When they tick "Do not sell or share my personal information"
    page.check("#do-not-sell")
    page.wait_for_selector("#privacy-status:has-text('Saved')")
    _check_page(page, "privacy", "en_US")
    # Then the choice is saved and shown again on the next visit, and their opt-in is off
    assert page.inner_text("#privacy-status").startswith("Saved: your data will not be sold or shared")
    page.reload()
    assert page.is_checked("#do-not-sell")
    page.set_viewport_size({"width": 1280, "height": 900})
    _check_page(page, "privacy-1280", "en_US", width=1280)
    fan_entry = demo_campaign.entries.get(email="private@example.com")
    assert fan_entry.fan.do_not_sell is True and fan_entry.fields["allow_marketing"] is False


@pytest.mark.django_db(transaction=True)
def test_a_fan_over_the_request_budget_reads_when_to_try_again(live_server, browser, demo_campaign, settings):
    """Issue 33: fan-site pages are limited like the API; a person over the budget gets a readable page (375 px,
    axe-core clean), not a JSON error."""
    settings.RATE_LIMIT_ANON = "2/h"
    page = browser.new_page(viewport={"width": 375, "height": 812})
    # (a new query string each time: the landing page is cacheable, and the browser would answer from its cache)
    statuses = [page.goto(f"{live_server.url}{SITE}?visit={n}").status for n in range(4)]
    assert statuses[-1] == 429, statuses
    assert page.inner_text("h1") == "Too many requests"
    assert re.match(r"Please wait \d+ seconds and try again\.", page.inner_text("main p"))
    _check_page(page, "too-many-requests", "en_US")


@pytest.mark.parametrize("locale", ["en_US", "fr_CA"])
def test_a_fan_opens_a_password_presale_with_a_wrong_then_the_right_password(
    live_server, browser, demo_campaign, locale
):
    """Issue 39: a protected presale asks for its password first, in the fan's language, and shows nothing of the
    campaign until the right one; 375 px, axe-core clean, keyboard only."""
    from campaigns.cache import bump_generation
    from campaigns.models import Campaign

    options = {**(demo_campaign.options or {}), "requirePassword": True, "passwordValue": "open-sesame"}
    Campaign.objects.filter(pk=demo_campaign.pk).update(options=options)
    bump_generation()
    texts = {
        "en_US": (
            "This presale is protected",
            "Presale password",
            "That password is not right. Check it and try again.",
        ),
        "fr_CA": (
            "Cette prévente est protégée",
            "Mot de passe de la prévente",
            "Ce mot de passe n'est pas le bon. Vérifiez-le et réessayez.",
        ),
    }[locale]
    page = browser.new_page(viewport={"width": 375, "height": 812})
    # when a fan opens the presale, then the page asks for the password and shows nothing of the campaign
    page.goto(f"{live_server.url}{SITE}?locale={locale}")
    assert page.inner_text("h1") == texts[0]
    assert "Metallica" not in page.inner_text("body")
    _check_page(page, "password", locale)
    # when they type a wrong one (keyboard only), then the error is announced and the field says it is wrong
    page.get_by_label(texts[1]).fill("guess")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("alert").inner_text() == texts[2]
    assert page.get_by_label(texts[1]).get_attribute("aria-invalid") == "true"
    _check_page(page, "password-wrong", locale)
    # when they type the right one, then the presale opens, in their language
    page.get_by_label(texts[1]).fill("open-sesame")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Metallica" in page.inner_text("body")
    assert page.evaluate("document.documentElement.lang") == locale[:2]
    page.screenshot(path=str(SHOTS / f"{locale}-password-opened.png"), full_page=True)


def test_on_a_1280_px_screen_an_uninvited_fan_is_told_which_address_is_not_invited(live_server, browser, demo_campaign):
    """Issue 39: an invite-only presale says so before sign-in; a fan whose address is not on the list reads which
    address and what to do, with no registration form (1280 px, axe-core clean). The password page at 1280 px too."""
    options = {**(demo_campaign.options or {}), "gate": {"inviteOnly": "email"}}
    upsert_campaign({"id": demo_campaign.pk, "options": options}, actor=TEST_ACTOR)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{SITE}")
    assert page.inner_text("#invite-only").startswith("This presale is by invitation only")
    _check_page(page, "desktop-invite-only", "en_US", width=1280)
    page.goto(f"{live_server.url}{SITE}signin")
    page.fill("#email", "stranger@example.com")
    page.click("#sign-in button[type=submit]")
    page.wait_for_selector(".refusal")
    assert "stranger@example.com is not on this presale's invitation list." in page.inner_text(".refusal")
    assert page.locator("#register").count() == 0
    _check_page(page, "desktop-not-invited", "en_US", width=1280)
    # and a fan whose address is on the list gets the registration form
    add_invites(campaign_id=demo_campaign.pk, identifier_type="email", values=["Guest@example.com"], actor=TEST_ACTOR)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{SITE}signin")
    page.fill("#email", "guest@example.com")
    page.click("#sign-in button[type=submit]")
    page.wait_for_selector("#register")
    assert page.locator(".refusal").count() == 0
    _check_page(page, "desktop-invited", "en_US", width=1280)
    # and a protected presale's password page keeps the same readable column
    options = {**options, "gate": {}, "requirePassword": True, "passwordValue": "open-sesame"}
    upsert_campaign({"id": demo_campaign.pk, "options": options}, actor=TEST_ACTOR)
    page.context.clear_cookies()
    # (a new query string: the browser keeps the public landing page it saw above for a minute)
    page.goto(f"{live_server.url}{SITE}?protected=1")
    assert page.inner_text("h1") == "This presale is protected"
    _check_page(page, "desktop-password", "en_US", width=1280)


def test_a_fan_who_cancels_at_the_identity_provider_reads_so_in_their_language(
    live_server, browser, demo_campaign, oidc_site
):
    """Issue 39: "[ Cancel ]" on the provider's page brings the fan back to a sign-in page that says so, in French,
    with the button to try again (375 px, axe-core clean)."""
    page = browser.new_page(viewport={"width": 375, "height": 812})
    page.goto(f"{live_server.url}{SITE}signin?locale=fr_CA")
    page.click("text=Continuer avec Example ID")
    page.wait_for_selector("input[name=login]")
    page.click("text=[ Cancel ]")
    page.wait_for_selector(".refusal")
    assert (
        page.get_by_role("alert").inner_text() == "Vous avez annulé la connexion. Connectez-vous quand vous serez prêt."
    )
    assert page.inner_text("#sign-in-oidc") == "Continuer avec Example ID"
    assert page.locator("[data-action=sign-out]").count() == 0
    _check_page(page, "signin-cancelled", "fr_CA")


def test_a_fr_ca_fan_reads_every_validation_message_in_french_and_a_montreal_number_is_accepted(
    live_server, browser, demo_campaign
):
    """Issue 39: on a US campaign's French page, the empty form names each missing field by its label under the field
    and in the summary, a too-long answer says its limit, all in French; a +1 514 number is accepted."""
    preferences = [
        *demo_campaign.preferences,
        {
            "id": "why",
            "type": "freeform_text",
            "is_optional": True,
            "label": {"en_US": "Why this show?", "fr_CA": "Pourquoi ce spectacle ?"},
            "additional": {"maxLength": 10},
        },
    ]
    upsert_campaign({"id": demo_campaign.pk, "preferences": preferences}, actor=TEST_ACTOR)
    page = browser.new_page(viewport={"width": 375, "height": 812})
    watch = Watch(page)
    page.goto(f"{live_server.url}{SITE}signin?locale=fr_CA")
    page.fill("#email", "francine@example.com")
    page.keyboard.press("Enter")
    page.wait_for_selector("#register")

    # When the fan sends the form empty
    page.fill("#f-email", "")
    page.click("#register button[type=submit]")
    page.wait_for_selector("#register .errors:not([hidden])")
    # Then each required field says so under itself, by its label, in French, and the summary lists the same
    missing = {
        "email": "« Courriel » est obligatoire.",
        "phone": "« Téléphone mobile » est obligatoire.",
        "market": "« Votre spectacle » est obligatoire.",
    }
    assert {name: page.inner_text(f"#error-{name}") for name in missing} == missing
    assert page.eval_on_selector_all("#register .errors li", "items => items.map(i => i.textContent)") == list(
        missing.values()
    )
    assert page.get_attribute("#f-phone", "aria-invalid") == "true"
    _check_page(page, "register-missing", "fr_CA")

    # When they fill it in with a Montreal number and a too-long answer
    page.fill("#f-email", "francine@example.com")
    page.fill("#f-phone", "+1 514 555 0199")
    first_show = page.eval_on_selector_all("#f-market option", "os => os.map(o => o.value).filter(Boolean)")[0]
    page.select_option("#f-market", first_show)
    page.fill("#f-why", "Parce que c'est Metallica")
    page.click("#register button[type=submit]")
    # Then only the answer is refused, with its limit, in French (the number is fine)
    expect(page.locator("#error-why")).to_have_text("Entrez au plus 10 caractères dans « Pourquoi ce spectacle ? ».")
    assert page.inner_text("#error-phone") == "" and page.get_attribute("#f-phone", "aria-invalid") is None
    _check_page(page, "register-too-long", "fr_CA")

    # When they shorten it, then the registration is saved with the Montreal number
    page.fill("#f-why", "Metallica")
    with page.expect_navigation():
        page.click("#register button[type=submit]")
    page.wait_for_selector(".facts")
    assert "Vous êtes inscrit" in page.inner_text("main")
    assert demo_campaign.entries.get().fields["phone"] == "+15145550199"
    assert watch.errors == [] and watch.csp_violations() == []
