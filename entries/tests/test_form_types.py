"""Every preference type of decisions.md #11 with the catalog §3.6.2 rules, through ``upsertViewerEntry``:
each refusal names the field and reason, and the stored entry does not change."""

import pytest

from accounts.models import Fan
from campaigns.models import Campaign, CampaignStatus, Market
from entries.models import Entry

pytestmark = pytest.mark.django_db

UPSERT = """
mutation R($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { isLoggedIn } }
"""
FORM = [
    {"id": "email", "type": "email", "is_optional": True},
    {"id": "phone", "type": "phone", "is_optional": True},
    {"id": "first_name", "type": "name"},
    {"id": "zip", "type": "zip"},
    {"id": "market", "type": "market_select"},
    {"id": "optional_markets", "type": "additional_markets_select", "is_optional": True, "additional": {"max": 2}},
    {"id": "ticket_count", "type": "ticket_count", "additional": {"min": 1, "max": 4}},
    {"id": "allow_marketing", "type": "opt_in", "is_optional": True},
    {"id": "is_member", "type": "boolean_select", "is_optional": True},
    {"id": "why", "type": "freeform_text", "is_optional": True, "additional": {"minLength": 3, "maxLength": 10}},
    {
        "id": "genres",
        "type": "checklist",
        "is_optional": True,
        "additional": {"items": [{"id": "rock"}, {"id": "pop"}]},
    },
    {"id": "empty_list", "type": "checklist", "is_optional": True, "additional": {"items": []}},
]


@pytest.fixture
def campaign():
    campaign = Campaign.objects.create(name="Form", status=CampaignStatus.OPEN, preferences=FORM, options={})
    for name in ("A", "B", "C", "D"):
        Market.objects.create(
            campaign=campaign, name=name, city=name, state="", timezone="UTC", country="US", event_ids=[name]
        )
    return campaign


def _valid(campaign):
    ids = list(campaign.markets.order_by("name").values_list("pk", flat=True))
    return {
        "email": "Fan@Example.com",
        "first_name": "  Ann ",
        "zip": "10001",
        "market": ids[0],
        "optional_markets": ids[1:3],
        "ticket_count": "2",
        "allow_marketing": 1,
        "is_member": "false",
        "why": "loud",
        "genres": [" rock ", ""],
    }


def test_a_complete_valid_form_is_normalised(gql, sign_in, campaign):
    body = gql.execute(UPSERT, {"c": campaign.pk, "e": _valid(campaign)}, token=sign_in())
    assert "errors" not in body, body
    fields = Entry.objects.get().fields
    assert {
        k: fields[k] for k in ("email", "first_name", "ticket_count", "allow_marketing", "is_member", "genres")
    } == {
        "email": "fan@example.com",
        "first_name": "Ann",
        "ticket_count": 2,
        "allow_marketing": True,
        "is_member": False,
        "genres": ["rock"],
    }


RULES = [
    ({"first_name": "   "}, "first_name", "MISSING_REQUIRED_FIELDS"),
    ({"first_name": 5}, "first_name", "EntryEmptyField"),
    ({"zip": ["x"]}, "zip", "EntryInvalidField"),
    ({"ticket_count": "two"}, "ticket_count", "EntryInvalidTicketCount"),
    ({"ticket_count": True}, "ticket_count", "EntryInvalidTicketCount"),
    ({"ticket_count": 5}, "ticket_count", "EntryInvalidTicketCountInRange"),
    ({"ticket_count": 0}, "ticket_count", "EntryInvalidTicketCountInRange"),
    ({"is_member": "yes"}, "is_member", "EntryInvalidBoolean"),
    ({"allow_marketing": 2}, "allow_marketing", "EntryInvalidBoolean"),
    ({"why": "no"}, "why", "EntryInvalidFreeFormTextInRange"),
    ({"why": "far too long text"}, "why", "EntryInvalidFreeFormTextInRange"),
    ({"why": 7}, "why", "EntryEmptyField"),
    ({"genres": ["jazz"]}, "genres", "EntryInvalidChecklistVals"),
    ({"genres": "rock"}, "genres", "EntryInvalidChecklistVals"),
    ({"empty_list": ["a"]}, "empty_list", "CampaignMissingChecklistItems"),
    ({"market": "nope"}, "market", "EntryInvalidDestinationCity"),
    ({"optional_markets": "MARKETS:3"}, "optional_markets", "EntryInvalidDestinationCity"),
    ({"optional_markets": "PRIMARY"}, "optional_markets", "EntryInvalidDestinationCity"),
    ({"email": "a@b"}, "email", "EntryInvalidField"),
    ({"phone": "+44 20 7946 0958"}, "phone", "ENTRY_INVALID_INTL_PHONE"),
    ({"email": None, "phone": None}, "email", "ENTRY_MISSING_CONTACT"),
]


@pytest.mark.parametrize("changes, field, reason", RULES, ids=[f"{r[1]}-{r[2]}-{i}" for i, r in enumerate(RULES)])
def test_each_rule_names_field_and_reason_and_stores_nothing(gql, sign_in, campaign, changes, field, reason):
    # given: a fan with a stored entry, and a new fan
    stored_token = sign_in("stored@example.com")
    gql.execute(UPSERT, {"c": campaign.pk, "e": _valid(campaign)}, token=stored_token)
    before = list(Entry.objects.values())
    ids = list(campaign.markets.order_by("name").values_list("pk", flat=True))
    if changes.get("optional_markets") == "MARKETS:3":
        changes = {"optional_markets": ids[1:4]}
    elif changes.get("optional_markets") == "PRIMARY":
        changes = {"optional_markets": [ids[0]]}
    submitted = {**_valid(campaign), **changes}
    submitted = {k: v for k, v in submitted.items() if v is not None}
    # when: a new fan submits the bad value, and the stored fan updates with it
    created = gql.execute(UPSERT, {"c": campaign.pk, "e": submitted}, token=sign_in("new@example.com"))
    updated = None
    if reason != "ENTRY_MISSING_CONTACT":  # an update may leave contacts as stored
        updated = gql.execute(UPSERT, {"c": campaign.pk, "e": changes}, token=stored_token)
    # then
    assert created["errors"][0]["extensions"]["reason"] == reason
    assert created["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"
    assert created["errors"][0]["extensions"]["field"] == field
    if updated is not None:
        assert updated["errors"][0]["extensions"]["reason"] == reason
    assert list(Entry.objects.values()) == before


def test_intl_phones_are_accepted_when_the_campaign_allows_them(gql, sign_in, campaign):
    campaign.options = {"allowIntlPhones": True}
    campaign.save()
    body = gql.execute(
        UPSERT, {"c": campaign.pk, "e": {**_valid(campaign), "phone": "+44 20 7946 0958"}}, token=sign_in()
    )
    assert "errors" not in body, body
    assert Entry.objects.get().phone == "+442079460958"


def test_a_canadian_number_is_domestic_on_a_us_campaign_and_other_plus_one_countries_are_not(gql, sign_in, campaign):
    """Issue 39: a Montreal +1 514 number was refused as international on a US campaign with a fr_CA page."""
    # given a campaign whose markets are all in the US, without "International phones"
    # when a fan registers with a Montreal number, then it is accepted as domestic
    body = gql.execute(
        UPSERT, {"c": campaign.pk, "e": {**_valid(campaign), "phone": "(514) 555-0142"}}, token=sign_in()
    )
    assert "errors" not in body, body
    assert Entry.objects.get().phone == "+15145550142"
    # and a Jamaican +1 876 number still needs the campaign to accept international phones
    other = gql.execute(
        UPSERT,
        {"c": campaign.pk, "e": {**_valid(campaign), "phone": "+1 876 555 0142"}},
        token=sign_in("jm@example.com"),
    )
    assert other["errors"][0]["extensions"]["reason"] == "ENTRY_INVALID_INTL_PHONE"


def test_do_not_sell_fans_have_opt_ins_cleared(gql, sign_in, campaign):
    # given: a fan who asked not to have their data sold
    token = sign_in()
    Fan.objects.filter(email="fan@example.com").update(do_not_sell=True)
    # when
    gql.execute(UPSERT, {"c": campaign.pk, "e": _valid(campaign)}, token=token)
    # then
    assert Entry.objects.get().fields["allow_marketing"] is False
