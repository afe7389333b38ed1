"""Metrics found partly right (issue 32 point 11; catalog §3.6.6)."""

from datetime import UTC, datetime

import pytest

from accounts.models import Fan
from campaigns.models import Campaign, Market
from codes.models import Code
from entries import metrics
from entries.models import Entry

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def test_total_selected_by_market_lists_every_market_with_zero_where_nobody_is_selected(
    django_assert_num_queries,
):
    """Catalog §3.6.6 ``totalSelectedByMarket``: one row per market of the campaign, 0 where nobody holds a code."""
    # given two markets; one fan holds an assigned code in the first, nobody in the second
    campaign = Campaign.objects.create(name="M")
    first, second = (
        Market.objects.create(campaign=campaign, name=n, city=n, state="", timezone="UTC", event_ids=[n]) for n in "AB"
    )
    fan = Fan.objects.create(global_user_id="g1")
    entry = Entry.objects.create(campaign=campaign, fan=fan, market_0=first)
    Code.objects.create(
        campaign=campaign, code="C1", market=first, entry=entry, fan=fan, date_assigned=NOW, date_saved=NOW
    )
    # when the dashboard reads the metric (one query)
    with django_assert_num_queries(1):
        rows = metrics.total_selected_by_market(campaign)
    # then both markets are listed
    assert rows == sorted([{"id": first.pk, "count": 1}, {"id": second.pk, "count": 0}], key=lambda row: row["id"])
