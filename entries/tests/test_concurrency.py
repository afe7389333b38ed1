"""One entry per fan under concurrent submissions, on PostgreSQL with real threads."""

import threading

import pytest
from django.db import connection

from accounts.identity import IdentityClaims
from accounts.models import Fan
from accounts.services import upsert_fan
from conftest import run_concurrently
from entries.models import Entry
from entries.services import markets as markets_service
from entries.services import privacy
from entries.services.upsert_entry import RequestMetadata, upsert_entry
from monoql.audit import Actor, AuditEntry, Channel
from monoql.errors import ValidationFailed

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
        10,
        lambda n: upsert_fan(
            IdentityClaims(global_user_id="g-same", member_id=None, email=f"v{n}@example.com"), channel=Channel.GRAPHQL
        ),
    )
    # then
    assert errors == []
    assert Fan.objects.filter(global_user_id="g-same").count() == 1
    # and: each sign-in left its audit row, exactly one of them the creation
    fan = Fan.objects.get(global_user_id="g-same")
    rows = AuditEntry.objects.filter(action="fan.sign_in", subject_fan_id=fan.pk)
    assert rows.count() == 10
    assert [row.changes["created"] for row in rows].count(True) == 1


def _in_its_own_connection(work):
    """``work`` as a thread's body, closing the thread's database connection after it."""

    def run():
        try:
            work()
        finally:
            connection.close()

    return run


def _race_into_the_pause(first, paused: threading.Event, go: threading.Event, second) -> bool:
    """Run ``first`` until it signals ``paused`` (it then waits for ``go``), start ``second``, give it a second,
    release ``first`` and let both end. Returns: whether ``second`` was still waiting when ``first`` was released."""
    first_thread = threading.Thread(target=_in_its_own_connection(first))
    first_thread.start()
    assert paused.wait(10)
    second_thread = threading.Thread(target=_in_its_own_connection(second))
    second_thread.start()
    second_thread.join(1.0)
    waited = second_thread.is_alive()
    go.set()
    first_thread.join(10)
    second_thread.join(10)
    return waited


def test_a_registration_racing_do_not_sell_never_keeps_an_opt_in(require_postgres, demo_campaign, monkeypatch):
    """Issue 36: 3 of 160 fans who set doNotSell while registering kept their marketing opt-in. Played
    deterministically: the registration arrives after ``set_do_not_sell`` cleared the opt-ins it could see and
    before it committed, carrying the fan as read before the flag was set."""
    # given a fan as the registration read them (doNotSell not set), and doNotSell paused just before its commit
    fan = Fan.objects.create(global_user_id="g-dns", email="dns@example.com")
    markets = list(demo_campaign.markets.order_by("event_date").values_list("id", flat=True))
    cleared, go = threading.Event(), threading.Event()
    real_clear = privacy._clear_opt_ins

    def clear_then_pause(target):
        count = real_clear(target)
        cleared.set()
        go.wait(10)
        return count

    monkeypatch.setattr(privacy, "_clear_opt_ins", clear_then_pause)
    done = {}

    def opt_out():
        privacy.set_do_not_sell(fan.pk, True, actor=Actor.fan_self(fan, Channel.GRAPHQL))

    def register():
        entry = {"email": "dns@example.com", "phone": "+12125550188", "market": markets[0], "allow_marketing": True}
        upsert_entry(campaign_id=demo_campaign.pk, fan=fan, submitted=entry, locale="en_US", metadata=RequestMetadata())
        done["registered"] = True

    # when the registration comes in while doNotSell is between its clearing and its commit
    waited = _race_into_the_pause(opt_out, cleared, go, register)  # it waits for the fan row: doNotSell holds it
    # then the registration waited for doNotSell, is saved, and its opt-in is cleared
    assert (waited, done) == (True, {"registered": True})
    assert Fan.objects.get(pk=fan.pk).do_not_sell is True
    assert Entry.objects.get(campaign=demo_campaign, fan=fan).fields["allow_marketing"] is False


def test_a_registration_racing_delete_market_is_answered_with_a_coded_error(
    require_postgres, demo_campaign, monkeypatch
):
    """Issue 36: deleteMarket racing registrations answered uncoded INTERNAL_ERROR. Played deterministically: the
    registration validates its market while the deletion is written but not committed, then inserts."""
    # given a fan choosing a market that staff delete, the deletion paused just before its commit
    fan = Fan.objects.create(global_user_id="g-gone", email="gone@example.com")
    market, transfer = demo_campaign.markets.order_by("event_date")[:2]
    deleted, go = threading.Event(), threading.Event()
    real_record = markets_service.record_event

    def record_then_pause(*args, **kwargs):
        event = real_record(*args, **kwargs)
        if args[0] == "market.deleted":
            deleted.set()
            go.wait(10)
        return event

    monkeypatch.setattr(markets_service, "record_event", record_then_pause)
    outcome = {}

    def delete():
        markets_service.delete_market(demo_campaign.pk, market.pk, transfer.pk, actor=Actor.command("test"))

    def register():
        entry = {"email": "gone@example.com", "phone": "+12125550177", "market": market.pk}
        try:
            upsert_entry(
                campaign_id=demo_campaign.pk, fan=fan, submitted=entry, locale="en_US", metadata=RequestMetadata()
            )
            outcome["saved"] = True
        except ValidationFailed as error:
            outcome["refused"] = (error.code, error.reason, error.field)

    # when the registration writes its entry while the deletion is about to commit
    _race_into_the_pause(delete, deleted, go, register)
    # then the fan is told, in the API's terms, that the market is gone; nothing half-written
    assert outcome == {"refused": ("VALIDATION_ERROR", "UNKNOWN_MARKET", "market")}
    assert not Entry.objects.filter(campaign=demo_campaign, fan=fan).exists()
