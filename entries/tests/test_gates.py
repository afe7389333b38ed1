"""Campaign gates and registration eligibility (catalog §3.5): each gate refuses with its reason on submit
(FORBIDDEN, nothing stored), ``eligibility`` tells anonymous and signed-in viewers, and an existing entry
may be updated without re-checking gates."""

from datetime import UTC, datetime

import pytest

from accounts.models import Fan
from campaigns.models import Campaign, CampaignStatus
from codes.models import Code
from conftest import TEST_ACTOR
from entries.models import Entry
from entries.services.invites import add_invites

pytestmark = pytest.mark.django_db

UPSERT = """
mutation R($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { isLoggedIn } }
"""
ELIGIBILITY = """
query E($id: String) { viewer { campaign(id: $id) { ... on RegistrationCampaign { eligibility { isEligible reason } } } } }
"""


def _entry(campaign):
    return {"email": "fan@example.com", "phone": "+12125550123", "market": campaign.markets.order_by("name").first().pk}


def _gate(campaign, **gate):
    campaign.options = {**(campaign.options or {}), "gate": gate}
    campaign.save()


def _past_campaign():
    return Campaign.objects.create(name="Past", status=CampaignStatus.INACTIVE)


def _select_in(campaign, fan):
    Code.objects.create(
        campaign=campaign,
        code="PAST1",
        type="tm",
        fan=fan,
        date_saved=datetime(2025, 1, 1, tzinfo=UTC),
        date_assigned=datetime(2025, 1, 2, tzinfo=UTC),
    )


GATES = [
    # (gate setup, facts for the passing fan, reason)
    ("card", {"cards": ["AMEX"]}, "NO_CARD"),
    ("linkedAccount", {"linkedAccounts": ["VERIZON"]}, "NOT_LINKED"),
    ("idv", {"idv": "asu"}, "NO_IDV"),
    ("inviteOnly", {}, "NO_INVITE"),
    ("linkedCampaign", {}, "NO_LINKED_CAMPAIGN_ENTRY"),
    ("pastCampaignId", {}, "NO_PAST_PARTICIPATION"),
]


def _configure(campaign, gate):
    past = None
    if gate == "card":
        _gate(campaign, card="AMEX")
    elif gate == "linkedAccount":
        _gate(campaign, linkedAccount="VERIZON")
    elif gate == "idv":
        _gate(campaign, idv="asu")
    elif gate == "inviteOnly":
        _gate(campaign, inviteOnly="email")
    elif gate == "linkedCampaign":
        past = _past_campaign()
        _gate(campaign, linkedCampaign=past.pk)
    elif gate == "pastCampaignId":
        past = _past_campaign()
        campaign.options = {**(campaign.options or {}), "requirePrecheck": {"pastCampaignId": past.pk}}
        campaign.save()
    return past


def _qualify(campaign, gate, past, fan):
    if gate == "inviteOnly":
        add_invites(campaign_id=campaign.pk, identifier_type="email", values=["FAN@example.com"], actor=TEST_ACTOR)
    elif gate == "linkedCampaign":
        Entry.objects.create(campaign=past, fan=fan)
    elif gate == "pastCampaignId":
        _select_in(past, fan)


@pytest.mark.parametrize("gate, facts, reason", GATES, ids=[g[0] for g in GATES])
def test_each_gate_refuses_then_admits(gql, sign_in, demo_campaign, gate, facts, reason):
    # given: a gated campaign and a fan who does not qualify yet
    past = _configure(demo_campaign, gate)
    token = sign_in()
    # when
    refused = gql.execute(UPSERT, {"c": demo_campaign.pk, "e": _entry(demo_campaign)}, token=token)
    seen = gql.execute(ELIGIBILITY, {"id": demo_campaign.pk}, token=token)
    anonymous = gql.execute(ELIGIBILITY, {"id": demo_campaign.pk})
    # then: FORBIDDEN with the gate's reason, nothing stored, eligibility says why
    assert refused["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": reason}
    assert refused["errors"][0]["message"] == "Unfortunately, you are not eligible for participation in this campaign."
    assert Entry.objects.filter(campaign=demo_campaign).count() == 0
    assert seen["data"]["viewer"]["campaign"]["eligibility"] == {"isEligible": False, "reason": reason}
    assert anonymous["data"]["viewer"]["campaign"]["eligibility"] == {"isEligible": False, "reason": reason}

    # when: the fan qualifies (profile facts from a fresh identity token, invite, entry or selection)
    token = sign_in(facts=facts) if facts else token
    _qualify(demo_campaign, gate, past, Fan.objects.get(email="fan@example.com"))
    admitted = gql.execute(UPSERT, {"c": demo_campaign.pk, "e": _entry(demo_campaign)}, token=token)
    # then
    assert "errors" not in admitted, admitted
    assert Entry.objects.filter(campaign=demo_campaign).count() == 1


def test_an_existing_entry_is_updated_without_rechecking_gates(gql, sign_in, demo_campaign):
    # given: a registered fan, then the campaign becomes card-gated
    token = sign_in()
    gql.execute(UPSERT, {"c": demo_campaign.pk, "e": _entry(demo_campaign)}, token=token)
    _gate(demo_campaign, card="VISA")
    # when
    body = gql.execute(UPSERT, {"c": demo_campaign.pk, "e": {"phone": "+12125550177"}}, token=token)
    eligibility = gql.execute(ELIGIBILITY, {"id": demo_campaign.pk}, token=token)
    # then
    assert "errors" not in body, body
    assert Entry.objects.get().phone == "+12125550177"
    assert eligibility["data"]["viewer"]["campaign"]["eligibility"] == {"isEligible": True, "reason": None}


def test_anonymous_viewers_of_an_ungated_campaign_are_eligible(gql, demo_campaign):
    body = gql.execute(ELIGIBILITY, {"id": demo_campaign.pk})
    assert body["data"]["viewer"]["campaign"]["eligibility"] == {"isEligible": True, "reason": None}


def test_invite_list_by_member_id_does_not_admit_by_email(gql, sign_in, demo_campaign):
    # given: an invite list keyed by memberId holding the fan's email
    _gate(demo_campaign, inviteOnly="memberId")
    add_invites(campaign_id=demo_campaign.pk, identifier_type="memberId", values=["fan@example.com"], actor=TEST_ACTOR)
    # when
    body = gql.execute(UPSERT, {"c": demo_campaign.pk, "e": _entry(demo_campaign)}, token=sign_in())
    # then
    assert body["errors"][0]["extensions"]["reason"] == "NO_INVITE"
