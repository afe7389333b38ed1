"""The fan site in the fan's language through Django's translation machinery (issue 39, item 3): the catalogs hold
every text the site says, in French; the site has words for every reason its documents can answer; pages, dates and
the browser module's messages come out in French on a fr_CA page; range answers carry their bounds."""

import html
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from graphql import parse

from campaigns.services.upsert_campaign import upsert_campaign
from conftest import TEST_ACTOR
from monoql.reasons import member_of
from monoql.schema import schema
from monoql.site import text
from monoql.site.views import DOCUMENTS

BASE = "/c/metallica.localhost/"
CATALOGS = Path(settings.BASE_DIR) / "locale"
#: Texts that are the same word in French.
SAME_IN_FRENCH = {"Questions", "Code"}
TABLES = {
    "WORDS": text.WORDS,
    "REASONS": text.REASONS,
    "ERRORS": text.ERRORS,
    "CODES": text.CODES,
    "RANKS": text.RANKS,
}


def _msgids(language: str) -> set[str]:
    """The msgids of a committed catalog (multi-line strings joined), without the header."""
    found, current = set(), None
    for line in (CATALOGS / language / "LC_MESSAGES" / "django.po").read_text().splitlines():
        if line.startswith("msgid "):
            current = [json.loads(line[6:])]
        elif line.startswith('"') and current is not None:
            current.append(json.loads(line))
        elif line.startswith("msgstr") and current is not None:
            found.add("".join(current))
            current = None
    return found - {""}


DATE_TIME_FORMAT = "l, F j, Y, g:i A T"


def _texts() -> dict[str, str]:
    found = {f"{name}.{key}": value for name, table in TABLES.items() for key, value in table.items()}
    found["date_time_format"] = DATE_TIME_FORMAT
    return found


def test_the_catalogs_hold_exactly_the_site_s_texts_and_french_translates_each():
    # Given every text the site's tables say (English msgids)
    texts = _texts()
    # Then both catalogs list exactly those (makemessages was run after the last change: none missing, none stale)
    assert _msgids("fr") == set(texts.values())
    assert _msgids("en") == set(texts.values())
    # And French says each in French (the compiled catalog is loaded), but for words that are the same
    with translation.override("fr"):
        untranslated = {
            key: english
            for key, english in texts.items()
            if english not in SAME_IN_FRENCH and translation.gettext(english) == english
        }
        assert text.date_time_format() == "l j F Y, G \\h i T"
    assert untranslated == {"date_time_format": DATE_TIME_FORMAT}  # it has a context: checked just above


def _site_operations() -> dict:
    """The schema operations the site's documents call, with the reasons each declares."""
    called = {
        selection.name.value
        for document in DOCUMENTS.values()
        for definition in parse(document).definitions
        for selection in definition.selection_set.selections
    }
    operations = {}
    for root in (schema.query, schema.mutation):
        for name, field in root._meta.fields.items():
            spelled = field.name or re.sub(r"_([a-z])", lambda match: match.group(1).upper(), name)
            if spelled in called and hasattr(field, "declared"):
                operations[spelled] = {member_of(reason).name for reason in field.declared}
    return operations


def test_the_site_has_its_own_words_for_every_reason_its_documents_can_answer():
    # Given the reasons the site's operations declare (GraphiQL's list for each)
    operations = _site_operations()
    assert {"upsertViewerEntry", "sendPhoneConfirmationCode", "verifyPhoneConfirmationCode", "submitConfirm"} <= set(
        operations
    )
    declared = set().union(*operations.values())
    # Then each has a sentence of the site (ERRORS, or the eligibility REASONS), and ERRORS names no other reason
    said = set(text.ERRORS) | set(text.REASONS)
    assert declared - said == set()
    assert {key.split(".")[0] for key in text.ERRORS} - declared == set()
    # And a code the site may meet without a known reason has a sentence too
    assert set(text.CODES) >= {
        "VALIDATION_ERROR",
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "NOT_FOUND",
        "RATE_LIMITED",
        "SERVICE_UNAVAILABLE",
        "INTERNAL_ERROR",
    }


def test_dates_are_written_by_django_in_the_fan_s_language_and_the_event_s_zone():
    moment = "2026-03-06T00:30:00Z"
    assert text.when(moment, "America/Toronto", "fr_CA") == "jeudi 5 mars 2026, 19 h 30 EST"
    assert text.when(moment, "America/Toronto", "en_US") == "Thursday, March 5, 2026, 7:30 PM EST"
    assert text.when(moment, "Not/AZone", "en_US") == "Friday, March 6, 2026, 12:30 AM UTC"
    assert text.when(None, "America/Toronto", "fr_CA") == ""
    assert [text.ordinal(rank, "fr_CA") for rank in (1, 2, 4)] == ["1er choix", "2e choix", "4e choix"]


@pytest.mark.django_db
def test_a_fr_ca_registration_page_speaks_french_and_hands_the_browser_french_messages(demo_campaign, sign_in):
    # Given a signed-in fan on the French registration page
    browser = Client()
    browser.cookies[settings.SESSION_JWT_COOKIE] = sign_in("francine@example.com")
    page = html.unescape(browser.get(f"{BASE}register?locale=fr_CA").content.decode())
    # Then labels, ranks and buttons are French, each field carries its label for the messages
    assert 'data-label="Courriel"' in page and 'data-label="Téléphone mobile"' in page
    assert "(1er choix, obligatoire)" in page and ">2e choix</label>" in page
    assert "Autres spectacles (jusqu'à 3)" in page
    # And the browser module's messages are the French catalog's, by reason and by code
    config = _config(page)
    assert config["messages"]["reasons"]["MISSING_REQUIRED_FIELDS"] == "« {field} » est obligatoire."
    assert config["messages"]["reasons"]["NO_CARD"] == "Cette prévente est réservée aux détenteurs d'une carte précise."
    assert config["messages"]["codes"]["RATE_LIMITED"] == "Trop d'essais. Attendez quelques minutes, puis réessayez."
    # And the English page hands English ones
    english = _config(html.unescape(browser.get(f"{BASE}register?locale=en_US").content.decode()))
    assert english["messages"]["reasons"]["MISSING_REQUIRED_FIELDS"] == "“{field}” is required."


def _config(page: str) -> dict:
    return json.loads(re.search(r'<script id="site-config" type="application/json">(.*?)</script>', page).group(1))


def _complete(campaign) -> dict:
    market = campaign.markets.order_by("pk").first()
    return {"email": "bounds@example.com", "phone": "+12125550123", "market": str(market.pk)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bounds, message, extensions",
    [
        ({"maxLength": 5}, "Enter at most 5 characters.", {"min": None, "max": 5}),
        ({"minLength": 8}, "Enter at least 8 characters.", {"min": 8, "max": None}),
        ({"minLength": 8, "maxLength": 9}, "Enter between 8 and 9 characters.", {"min": 8, "max": 9}),
    ],
)
def test_a_text_out_of_range_says_only_the_bounds_that_exist(demo_campaign, gql, sign_in, bounds, message, extensions):
    # Given a campaign whose form has a free text answer with only some bounds
    preferences = [
        *demo_campaign.preferences,
        {"id": "why", "type": "freeform_text", "is_optional": True, "label": {"en_US": "Why"}, "additional": bounds},
    ]
    upsert_campaign({"id": demo_campaign.pk, "preferences": preferences}, actor=TEST_ACTOR)
    token = sign_in("bounds@example.com")
    # When a fan answers "1234567" (7 characters: too long or too short)
    answer = gql.execute(
        DOCUMENTS["UpsertViewerEntry"],
        {"campaignId": demo_campaign.pk, "locale": "en_US", "entry": {**_complete(demo_campaign), "why": "1234567"}},
        token=token,
    )
    # Then the message names no "None", and the extensions carry the bounds for a client's own words
    error = answer["errors"][0]
    assert error["message"] == message
    assert error["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "EntryInvalidFreeFormTextInRange",
        "field": "why",
        **extensions,
    }
