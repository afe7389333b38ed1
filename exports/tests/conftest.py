"""Fixtures shared by the export tests."""

import pytest

from accounts.models import Fan
from campaigns.models import Campaign, Market
from entries.models import Entry


@pytest.fixture
def campaign():
    """A campaign with one market and 3 entries (fans g0..g2)."""
    campaign = Campaign.objects.create(name="S3 Tour", preferences=[{"id": "email", "type": "email"}])
    market = Market.objects.create(campaign=campaign, name="A", city="A", state="", timezone="UTC", event_ids=["1"])
    for n in range(3):
        fan = Fan.objects.create(global_user_id=f"g{n}", email=f"f{n}@example.com")
        entry = Entry(campaign=campaign, fan=fan, email=f"f{n}@example.com", fields={"email": f"f{n}@example.com"})
        entry.set_market_ids([market.pk])
        entry.save()
    return campaign
