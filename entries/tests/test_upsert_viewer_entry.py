"""upsertViewerEntry: validation errors, campaign status, authentication (catalog §3.6)."""

import pytest

from campaigns.models import Campaign, CampaignStatus
from entries.models import Entry

pytestmark = pytest.mark.django_db

UPSERT = """
mutation Register($campaignId: String!, $entry: JSON!, $locale: String!) {
  upsertViewerEntry(campaignId: $campaignId, locale: $locale, entry: $entry) {
    campaign(id: $campaignId) { ... on RegistrationCampaign { entry { fields } } }
  }
}
"""


def _markets(campaign):
    return list(campaign.markets.order_by("event_date", "name").values_list("id", flat=True))


def _valid_entry(markets):
    return {
        "email": "Fan@Example.com",
        "phone": "(212) 555-0123",
        "market": markets[0],
        "optional_markets": markets[1:3],
        "allow_marketing": "true",
    }


def test_valid_entry_is_normalised_and_ranked(gql, sign_in, demo_campaign):
    # given
    token = sign_in()
    markets = _markets(demo_campaign)
    # when
    body = gql.execute(
        UPSERT, {"campaignId": demo_campaign.pk, "entry": _valid_entry(markets), "locale": "fr-ca"}, token=token
    )
    # then
    assert "errors" not in body, body
    fields = body["data"]["upsertViewerEntry"]["campaign"]["entry"]["fields"]
    assert fields == {
        "email": "fan@example.com",
        "phone": "+12125550123",
        "market": markets[0],
        "optional_markets": markets[1:3],
        "allow_marketing": True,
    }
    entry = Entry.objects.get()
    assert entry.locale == "fr_CA"
    assert entry.market_ids == [markets[0], markets[1], markets[2]]


def _bad(markets, **changes):
    entry = _valid_entry(markets)
    for key, value in changes.items():
        if value is KeyError:
            entry.pop(key)
        else:
            entry[key] = value
    return entry


@pytest.mark.parametrize(
    "changes, reason, field, message",
    [
        ({"email": "not-an-email"}, "EntryInvalidField", "email", "Enter a valid email address."),
        ({"phone": "12"}, "EntryInvalidField", "phone", "Enter a valid phone number."),
        (
            {"phone": "+33 1 42 68 53 00"},
            "ENTRY_INVALID_INTL_PHONE",
            "phone",
            "International phone numbers are not accepted for this campaign.",
        ),
        ({"market": "nope"}, "EntryInvalidDestinationCity", "market", "Choose one of the campaign's markets."),
        (
            {"optional_markets": "M"},
            "EntryInvalidDestinationCity",
            "optional_markets",
            "Additional markets must be a list of market ids.",
        ),
        ({"allow_marketing": "maybe"}, "EntryInvalidBoolean", "allow_marketing", "Expected true or false."),
        (
            {"email": KeyError, "phone": KeyError},
            "MISSING_REQUIRED_FIELDS",
            "email",
            "The following required fields are missing: 'email', 'phone'.",
        ),
        ({"market": ""}, "MISSING_REQUIRED_FIELDS", "market", "The following required fields are missing: 'market'."),
        (
            {"favourite_song": "One"},
            "ENTRY_UNKNOWN_FIELD",
            "favourite_song",
            "'favourite_song' is not a field of this campaign's form.",
        ),
    ],
)
def test_invalid_field_is_refused_naming_the_field(gql, sign_in, demo_campaign, changes, reason, field, message):
    # given
    token = sign_in()
    entry = _bad(_markets(demo_campaign), **changes)
    # when
    body = gql.execute(UPSERT, {"campaignId": demo_campaign.pk, "entry": entry, "locale": "en_US"}, token=token)
    # then
    error = body["errors"][0]
    assert error["message"] == message
    assert error["extensions"]["code"] == "VALIDATION_ERROR"
    assert error["extensions"]["reason"] == reason
    assert error["extensions"]["field"] == field
    assert Entry.objects.count() == 0


@pytest.mark.parametrize(
    "optional, message",
    [
        (lambda m: m[1:5], "Choose at most 3 additional markets."),
        (lambda m: [m[1], m[1]], "An additional market is listed twice."),
        (lambda m: [m[0]], "The primary city may not be the same as one of the additional cities."),
        (lambda m: ["unknown-market"], "Unknown market: unknown-market."),
    ],
)
def test_additional_markets_rules(gql, sign_in, demo_campaign, optional, message):
    # given
    token = sign_in()
    markets = _markets(demo_campaign)
    entry = _bad(markets, optional_markets=optional(markets))
    # when
    body = gql.execute(UPSERT, {"campaignId": demo_campaign.pk, "entry": entry, "locale": "en_US"}, token=token)
    # then
    assert body["errors"][0]["message"] == message
    assert body["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "EntryInvalidDestinationCity",
        "field": "optional_markets",
    }
    assert Entry.objects.count() == 0


def test_invalid_update_keeps_the_stored_entry(gql, sign_in, demo_campaign):
    # given: a registered fan
    token = sign_in()
    markets = _markets(demo_campaign)
    gql.execute(
        UPSERT, {"campaignId": demo_campaign.pk, "entry": _valid_entry(markets), "locale": "en_US"}, token=token
    )
    # when: an update with a bad phone
    body = gql.execute(
        UPSERT, {"campaignId": demo_campaign.pk, "entry": {"phone": "x"}, "locale": "en_US"}, token=token
    )
    # then: refused, and nothing stored changed
    assert body["errors"][0]["extensions"]["field"] == "phone"
    entry = Entry.objects.get()
    assert entry.fields["phone"] == "+12125550123"
    assert len(entry.market_ids) == 3


def test_partial_update_merges_into_the_entry(gql, sign_in, demo_campaign):
    # given
    token = sign_in()
    markets = _markets(demo_campaign)
    gql.execute(
        UPSERT, {"campaignId": demo_campaign.pk, "entry": _valid_entry(markets), "locale": "en_US"}, token=token
    )
    # when
    body = gql.execute(
        UPSERT, {"campaignId": demo_campaign.pk, "entry": {"optional_markets": []}, "locale": "en_US"}, token=token
    )
    # then
    assert "errors" not in body, body
    entry = Entry.objects.get()
    assert entry.fields["optional_markets"] == [] and entry.fields["email"] == "fan@example.com"
    assert entry.market_ids == [markets[0]]


@pytest.mark.parametrize(
    "status", [CampaignStatus.DRAFT, CampaignStatus.PREVIEW, CampaignStatus.CLOSED, CampaignStatus.INACTIVE]
)
def test_campaign_not_open_rejects_entries(gql, sign_in, demo_campaign, status):
    # given
    token = sign_in()
    Campaign.objects.filter(pk=demo_campaign.pk).update(status=status)
    # when
    body = gql.execute(
        UPSERT,
        {"campaignId": demo_campaign.pk, "entry": _valid_entry(_markets(demo_campaign)), "locale": "en_US"},
        token=token,
    )
    # then
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": "invalidCampaignStatus"}
    assert body["errors"][0]["path"] == ["upsertViewerEntry"]
    assert Entry.objects.count() == 0


def test_anonymous_upsert_is_unauthenticated(gql, demo_campaign):
    # when
    body = gql.execute(
        UPSERT, {"campaignId": demo_campaign.pk, "entry": _valid_entry(_markets(demo_campaign)), "locale": "en_US"}
    )
    # then
    assert body["data"] == {"upsertViewerEntry": None}
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "reason": "notLoggedIn"}
    assert Entry.objects.count() == 0


def test_unknown_campaign_is_not_found(gql, sign_in, demo_campaign):
    token = sign_in()
    body = gql.execute(UPSERT, {"campaignId": "000000000000000000000000", "entry": {}, "locale": "en_US"}, token=token)
    assert body["errors"][0]["extensions"] == {
        "code": "NOT_FOUND",
        "reason": "CAMPAIGN_NOT_FOUND",
        "field": "campaignId",
    }


def test_bad_locale_is_a_validation_error(gql, sign_in, demo_campaign):
    token = sign_in()
    body = gql.execute(
        UPSERT,
        {"campaignId": demo_campaign.pk, "entry": _valid_entry(_markets(demo_campaign)), "locale": "not a locale"},
        token=token,
    )
    assert body["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "INVALID_LOCALE",
        "field": "locale",
    }
    assert Entry.objects.count() == 0


def test_entry_that_is_not_an_object_is_refused(gql, sign_in, demo_campaign):
    token = sign_in()
    body = gql.execute(UPSERT, {"campaignId": demo_campaign.pk, "entry": ["a"], "locale": "en_US"}, token=token)
    assert body["errors"][0]["extensions"] == {"code": "VALIDATION_ERROR", "reason": "INVALID_ENTRY", "field": "entry"}


@pytest.mark.parametrize(
    "gate, facts, reason",
    [
        ({"card": "AMEX"}, {"cards": ["VISA"]}, "NO_CARD"),
        ({"linkedAccount": "VERIZON"}, {}, "NOT_LINKED"),
        ({"inviteOnly": "email"}, {}, "NO_INVITE"),
    ],
)
def test_gated_campaign_refuses_fans_who_fail_the_gate(gql, sign_in, demo_campaign, gate, facts, reason):
    # given
    Campaign.objects.filter(pk=demo_campaign.pk).update(options={"gate": gate})
    token = sign_in(facts=facts)
    # when
    body = gql.execute(
        UPSERT,
        {"campaignId": demo_campaign.pk, "entry": _valid_entry(_markets(demo_campaign)), "locale": "en_US"},
        token=token,
    )
    # then
    assert body["errors"][0]["message"] == "Unfortunately, you are not eligible for participation in this campaign."
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": reason}
    assert Entry.objects.count() == 0


def test_card_gate_passes_with_the_card(gql, sign_in, demo_campaign):
    Campaign.objects.filter(pk=demo_campaign.pk).update(options={"gate": {"card": "AMEX"}})
    token = sign_in(facts={"cards": ["AMEX"]})
    body = gql.execute(
        UPSERT,
        {"campaignId": demo_campaign.pk, "entry": _valid_entry(_markets(demo_campaign)), "locale": "en_US"},
        token=token,
    )
    assert "errors" not in body, body
    assert Entry.objects.count() == 1
