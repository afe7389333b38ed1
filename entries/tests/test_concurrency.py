"""One entry per fan under concurrent submissions, on PostgreSQL with real threads."""

import threading

import pytest
from django.db import connection

from entries.models import Entry, EntryMarketPreference
from entries.services.upsert_entry import RequestMetadata, upsert_entry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_threads_submitting_one_fans_entry_make_one_entry(require_postgres, demo_campaign, sign_in):
    # given: a signed-in fan and 20 workers released at once
    from accounts.models import Fan

    sign_in("race@example.com")
    fan = Fan.objects.get(email="race@example.com")
    markets = list(demo_campaign.markets.order_by("event_date").values_list("id", flat=True))
    barrier = threading.Barrier(20)
    errors, done = [], []

    def submit(n):
        try:
            barrier.wait(timeout=10)
            entry = upsert_entry(
                campaign_id=demo_campaign.pk,
                fan=fan,
                submitted={
                    "email": "race@example.com",
                    "phone": "+12125550199",
                    "market": markets[n % 16],
                    "optional_markets": [markets[(n + 1) % 16]],
                },
                locale="en_US",
                metadata=RequestMetadata(ip=f"10.0.0.{n}"),
            )
            done.append(entry.is_new)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(20)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then: every submission succeeded, exactly one created the entry, and one entry exists
    assert errors == []
    assert sorted(done) == [False] * 19 + [True]
    assert Entry.objects.filter(campaign=demo_campaign, fan=fan).count() == 1
    entry = Entry.objects.get()
    assert list(entry.market_preferences.values_list("rank", flat=True)) == [0, 1]
    assert EntryMarketPreference.objects.count() == 2


def test_concurrent_sign_ins_of_one_fan_make_one_fan(require_postgres, db):
    from accounts.identity import IdentityClaims
    from accounts.models import Fan
    from accounts.services import upsert_fan

    barrier = threading.Barrier(10)
    errors = []

    def sign(n):
        try:
            barrier.wait(timeout=10)
            upsert_fan(IdentityClaims(global_user_id="g-same", member_id=None, email=f"v{n}@example.com"))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Fan.objects.filter(global_user_id="g-same").count() == 1
