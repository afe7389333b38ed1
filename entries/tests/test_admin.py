"""Entries in the admin: filters, bulk block/allow, counts per market on the campaign page."""

import pytest
from django.utils import timezone

from accounts.models import Fan
from campaigns.models import Campaign, Market
from entries.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    campaign = Campaign.objects.create(name="Admin Tour")
    a, b = (
        Market.objects.create(campaign=campaign, name=n, city=n, state="", timezone="UTC", event_ids=[n])
        for n in ("Alpha", "Beta")
    )
    for n, (markets, confirmed, verdict, tags) in enumerate(
        [([a], True, True, {"vip": True}), ([b, a], False, True, {}), ([b], True, False, {"vip": True})]
    ):
        fan = Fan.objects.create(global_user_id=f"g{n}", email=f"f{n}@example.com")
        entry = Entry(
            campaign=campaign,
            fan=fan,
            email=f"f{n}@example.com",
            verdict=verdict,
            tags=tags,
            date_phone_confirmed=timezone.now() if confirmed else None,
        )
        entry.set_market_ids([m.pk for m in markets])
        entry.save()
    return campaign, a, b


def _listed(admin_client, **params):
    response = admin_client.get("/admin/entries/entry/", params)
    assert response.status_code == 200
    return sorted(e.email for e in response.context["cl"].result_list)


def test_filters(admin_client, campaign):
    campaign, a, b = campaign
    base = {"campaign__id__exact": campaign.pk}
    assert _listed(admin_client, **base) == ["f0@example.com", "f1@example.com", "f2@example.com"]
    assert _listed(admin_client, **base, market=a.pk) == ["f0@example.com", "f1@example.com"]
    assert _listed(admin_client, **base, confirmed="no") == ["f1@example.com"]
    assert _listed(admin_client, **base, verdict__exact="0") == ["f2@example.com"]
    assert _listed(admin_client, **base, tag="vip") == ["f0@example.com", "f2@example.com"]


def test_bulk_block_and_allow(admin_client, campaign):
    campaign, _, _ = campaign
    ids = [
        str(pk)
        for pk in Entry.objects.filter(email__in=["f0@example.com", "f1@example.com"]).values_list("pk", flat=True)
    ]
    admin_client.post("/admin/entries/entry/", {"action": "block", "_selected_action": ids})
    assert dict(Entry.objects.values_list("email", "verdict")) == {
        "f0@example.com": False,
        "f1@example.com": False,
        "f2@example.com": False,
    }
    admin_client.post("/admin/entries/entry/", {"action": "allow", "_selected_action": ids[:1]})
    assert Entry.objects.filter(verdict=True).count() == 1


def test_campaign_page_shows_counts_per_market(admin_client, campaign):
    campaign, _, _ = campaign
    html = admin_client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/").content.decode()
    assert "<tr><td>Alpha</td><td>1</td><td>1</td><td>0</td><td>0</td><td>2</td><td>2</td></tr>" in html
    assert "<tr><td>Beta</td><td>2</td><td>0</td><td>0</td><td>0</td><td>2</td><td>1</td></tr>" in html
