"""Rules found wrong (entries side): the phone window, what fans are told, and the identifier rule."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Fan
from campaigns.models import CampaignStatus
from entries.metrics import eligible_counts, eligible_entries
from entries.models import Entry
from entries.services.phone_confirmation import issue_phone_jwt

pytestmark = pytest.mark.django_db

UPSERT = """
mutation R($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { isLoggedIn } }
"""
CONFIRM = "mutation C($c: String!, $j: String!) { submitConfirm(campaignId: $c, phoneJwt: $j) }"
SEND = "mutation S($c: String!, $p: String!) { sendPhoneConfirmationCode(campaignId: $c, phone: $p) }"
ELIGIBILITY = """
query E($d: String) { viewer { campaign(domain: $d) { ... on RegistrationCampaign {
  eligibility { isEligible reason } } } } }
"""
PHONE = "+12125550123"


@pytest.fixture
def confirm_campaign(demo_campaign):
    demo_campaign.options = {**(demo_campaign.options or {}), "promptConfirmPhone": True}
    demo_campaign.save()
    return demo_campaign


def _register(gql, token, campaign, email, phone=PHONE):
    market = campaign.markets.order_by("name").first().pk
    body = gql.execute(UPSERT, {"c": campaign.pk, "e": {"email": email, "phone": phone, "market": market}}, token=token)
    assert "errors" not in body, body
    return Entry.objects.filter(campaign=campaign, fan__email=email).order_by("-id").first()


def _close(campaign, at=None):
    campaign.status = CampaignStatus.CLOSED
    campaign.date_closed = at or timezone.now()
    campaign.save()


def _jwt(campaign, fan):
    return issue_phone_jwt(
        phone=PHONE, campaign_id=campaign.pk, fan_id=fan.pk, expires=timezone.now() + timedelta(minutes=10)
    )


def test_submit_confirm_is_refused_after_close(gql, sign_in, confirm_campaign):
    """catalog §3.6.3 ``submitConfirm``, seeds REQ-003: the phone is confirmed within the campaign window."""
    # Given a fan registered while open who did not confirm, then the campaign closed
    token = sign_in("late@example.com")
    entry = _register(gql, token, confirm_campaign, "late@example.com")
    jwt = _jwt(confirm_campaign, entry.fan)
    _close(confirm_campaign)
    # When they submit the phone token (and ask for a new code) after close
    confirmed = gql.execute(CONFIRM, {"c": confirm_campaign.pk, "j": jwt}, token=token)
    sent = gql.execute(SEND, {"c": confirm_campaign.pk, "p": PHONE}, token=token)
    # Then both are refused with the catalog's reason and the entry stays unconfirmed
    for body in (confirmed, sent):
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["errors"][0]["extensions"]["reason"] == "invalidCampaignStatus"
    entry.refresh_from_db()
    assert entry.date_phone_confirmed is None


def test_a_phone_confirmed_after_close_never_makes_an_entry_eligible(gql, sign_in, confirm_campaign):
    """catalog §3.6.5 eligible counts, §3.7.1 wave prep candidates: confirmed means confirmed before close."""
    # Given two verified entries: one confirmed before close, one whose confirmation is dated after it
    on_time = _register(gql, sign_in("ontime@example.com"), confirm_campaign, "ontime@example.com", "+12125550111")
    late = _register(gql, sign_in("late@example.com"), confirm_campaign, "late@example.com", "+12125550122")
    closed_at = timezone.now()
    Entry.objects.filter(pk=on_time.pk).update(verdict=True, date_phone_confirmed=closed_at - timedelta(hours=1))
    Entry.objects.filter(pk=late.pk).update(verdict=True, date_phone_confirmed=closed_at + timedelta(hours=1))
    _close(confirm_campaign, closed_at)
    # When the eligible entries are counted (the wave prep's candidates come from the same query)
    eligible = list(eligible_entries(confirm_campaign).values_list("pk", flat=True))
    counts = eligible_counts(confirm_campaign)
    # Then only the entry confirmed in time counts
    assert eligible == [on_time.pk]
    assert counts["count"] == 1


def _eligibility(gql, campaign, token=None):
    body = gql.execute(ELIGIBILITY, {"d": campaign.domain_site}, token=token)
    assert "errors" not in body, body
    return body["data"]["viewer"]["campaign"]["eligibility"]


def test_fans_are_told_the_truth_about_their_eligibility(gql, sign_in, confirm_campaign):
    """catalog §3.5 ``Eligibility { isEligible, reason }``: blocked, unconfirmed at close, no entry when closed."""
    # Given a blocked entry, an entry left unconfirmed, a confirmed one, and a fan without an entry
    blocked_token, unconfirmed_token = sign_in("blocked@example.com"), sign_in("unconfirmed@example.com")
    confirmed_token, outsider_token = sign_in("confirmed@example.com"), sign_in("outsider@example.com")
    blocked = _register(gql, blocked_token, confirm_campaign, "blocked@example.com", "+12125550131")
    _register(gql, unconfirmed_token, confirm_campaign, "unconfirmed@example.com", "+12125550132")
    confirmed = _register(gql, confirmed_token, confirm_campaign, "confirmed@example.com", "+12125550133")
    Entry.objects.filter(pk=blocked.pk).update(verdict=False)
    Entry.objects.filter(pk=confirmed.pk).update(date_phone_confirmed=timezone.now() - timedelta(minutes=5))
    # While open: the blocked entry is told so, the others may still act
    assert _eligibility(gql, confirm_campaign, blocked_token) == {"isEligible": False, "reason": "ENTRY_BLOCKED"}
    assert _eligibility(gql, confirm_campaign, unconfirmed_token) == {"isEligible": True, "reason": None}
    # When the campaign closes
    _close(confirm_campaign)
    # Then each fan hears their own answer
    assert _eligibility(gql, confirm_campaign, unconfirmed_token) == {
        "isEligible": False,
        "reason": "PHONE_NOT_CONFIRMED",
    }
    assert _eligibility(gql, confirm_campaign, confirmed_token) == {"isEligible": True, "reason": None}
    assert _eligibility(gql, confirm_campaign, outsider_token) == {"isEligible": False, "reason": "CAMPAIGN_CLOSED"}
    assert _eligibility(gql, confirm_campaign) == {"isEligible": False, "reason": "CAMPAIGN_CLOSED"}


def test_one_entry_per_account_and_one_confirmed_phone_per_campaign(gql, sign_in, confirm_campaign):
    """decisions.md "Rules found wrong" (catalog §3.6.1 per-account entries; seeds "one entry per
    identifier"): two accounts sharing an email each hold an entry, but a phone confirms only one of them."""
    # Given two identity accounts with the same email, each registering with the same phone
    first = _register(
        gql, sign_in("shared@example.com", global_user_id="acct-1"), confirm_campaign, "shared@example.com"
    )
    second_token = sign_in("shared@example.com", global_user_id="acct-2")
    second = _register(gql, second_token, confirm_campaign, "shared@example.com")
    assert first.fan_id != second.fan_id
    Entry.objects.filter(pk=first.pk).update(date_phone_confirmed=timezone.now(), confirmed_phone=PHONE)
    # When the second account confirms the same phone
    body = gql.execute(CONFIRM, {"c": confirm_campaign.pk, "j": _jwt(confirm_campaign, second.fan)}, token=second_token)
    # Then it is refused: the verified identifier (the phone) holds one entry per campaign
    assert body["errors"][0]["extensions"]["reason"] == "phoneAlreadyConfirmed"
    assert Fan.objects.filter(email="shared@example.com").count() == 2
