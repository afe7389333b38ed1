"""One entry per fan under concurrent submissions, on PostgreSQL with real threads."""

import pytest

from accounts.identity import IdentityClaims
from accounts.models import Fan
from accounts.services import upsert_fan
from conftest import run_concurrently
from entries.models import Entry
from entries.services.upsert_entry import RequestMetadata, upsert_entry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_threads_submitting_one_fans_entry_make_one_entry(require_postgres, demo_campaign, sign_in):
    # given: a signed-in fan and 20 workers released at once
    sign_in("race@example.com")
    fan = Fan.objects.get(email="race@example.com")
    markets = list(demo_campaign.markets.order_by("event_date").values_list("id", flat=True))

    def submit(n):
        entry = {
            "email": "race@example.com",
            "phone": "+12125550199",
            "market": markets[n % 16],
            "optional_markets": [markets[(n + 1) % 16]],
        }
        return upsert_entry(
            campaign_id=demo_campaign.pk,
            fan=fan,
            submitted=entry,
            locale="en_US",
            metadata=RequestMetadata(ip=f"10.0.0.{n}"),
        ).is_new

    # when
    created, errors = run_concurrently(20, submit)
    # then: every submission succeeded, exactly one created the entry, and one entry exists
    assert errors == []
    assert sorted(created) == [False] * 19 + [True]
    assert Entry.objects.filter(campaign=demo_campaign, fan=fan).count() == 1
    assert len(Entry.objects.get().market_ids) == 2


def test_concurrent_sign_ins_of_one_fan_make_one_fan(require_postgres):
    # when: ten sign-ins of the same global user at once
    _, errors = run_concurrently(
        10, lambda n: upsert_fan(IdentityClaims(global_user_id="g-same", member_id=None, email=f"v{n}@example.com"))
    )
    # then
    assert errors == []
    assert Fan.objects.filter(global_user_id="g-same").count() == 1
