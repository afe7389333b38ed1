"""A code's holder (``Code.entry``, ``Code.fan``) is not a database constraint (issue 25: checking it locked the
entry and fan rows of every assignment and multiplied selection's WAL). What replaces it: the ORM still detaches
codes when an entry or fan is deleted, and ``lock_code_holders`` makes an erasure wait for the assignments in
flight, so no code is left naming an erased fan (PostgreSQL, real concurrent sessions)."""

import threading
import time

import pytest
from django.db import connection, transaction

from accounts.models import Fan
from accounts.services import hold_fan
from codes.models import Code
from codes.services.inventory import lock_code_holders
from conftest import TEST_ACTOR, held_in_another_session
from entries.models import Stat
from entries.selection.models import Allocation
from entries.selection.services.selection import apply_selection, trigger_selection
from entries.selection.services.wave_prep import run_wave_prep, trigger_wave_prep
from entries.selection.tests.selection_factory import add_codes, add_entries, closed_campaign
from monoql.workflows.privacy import erase_fan


def _selected_world():
    """A market whose wave prep selected two fans (each with a reserved code). Returns (market, wave prep, entries)."""
    campaign, (market,) = closed_campaign(markets=1, populations=[2])
    add_codes(campaign, 2)
    entries = add_entries(campaign, [((market.pk,), 0.9, True), ((market.pk,), 0.8, True)])
    wave_prep = run_wave_prep(
        trigger_wave_prep(campaign_id=campaign.pk, date_key="holders", seed=1, actor=TEST_ACTOR).pk
    )
    assert Allocation.objects.filter(wave_prep=wave_prep, outcome="selected").count() == 2
    return market, wave_prep, entries


def _advisory_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_deleting_an_entry_or_a_fan_through_the_orm_still_detaches_their_codes():
    # given two selected fans holding their codes
    market, wave_prep, (first, second) = _selected_world()
    trigger_selection(campaign_id=market.campaign_id, market_ids=[market.pk], actor=TEST_ACTOR)
    apply_selection(wave_prep.pk, [market.pk])
    assert Code.objects.filter(entry__in=[first, second], fan__isnull=False).count() == 2

    # when one entry and the other fan are deleted
    first.delete()
    second.fan.delete()

    # then the deleted entry's code keeps its fan only, the deleted fan's code names nobody, and both stay assigned
    codes = Code.objects.filter(campaign_id=market.campaign_id)
    assert {(code.entry_id, code.fan_id, code.date_assigned is not None) for code in codes} == {
        (None, first.fan_id, True),
        (None, None, True),
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_erasure_waits_for_the_assignment_in_flight_and_selection_after_it_finds_the_fan_gone(require_postgres):
    # given a finished wave prep selecting two fans, and an assignment in flight holding the holders' lock
    market, wave_prep, (erased, kept) = _selected_world()
    holding, release = threading.Event(), threading.Event()

    def assignment_in_flight():
        try:
            with transaction.atomic():
                lock_code_holders(market.campaign_id)
                holding.set()
                release.wait(20)
        finally:
            connection.close()

    def erasure(report):
        try:
            report.update(erase_fan(erased.fan_id, actor=TEST_ACTOR))
        finally:
            connection.close()

    report: dict = {}
    assigner = threading.Thread(target=assignment_in_flight)
    assigner.start()
    assert holding.wait(10)

    # when the fan is erased meanwhile
    eraser = threading.Thread(target=erasure, args=(report,))
    eraser.start()
    deadline = time.monotonic() + 10
    while _advisory_waiters() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)

    # then the erasure waits for the assignment to end
    assert _advisory_waiters() == 1
    assert report == {}
    release.set()
    assigner.join(10)
    eraser.join(20)
    assert report["fanId"] == erased.fan_id

    # and selection (applied when triggered, after it) assigns the kept fan's code and names no erased fan
    trigger_selection(campaign_id=market.campaign_id, market_ids=[market.pk], actor=TEST_ACTOR)
    stat = Stat.objects.get(campaign_id=market.campaign_id, type="selection", market_id=market.pk)
    assert stat.status == "FINISHED"
    # (the erased fan's outcome row went with their entry: one selected fan left)
    assert stat.count == {
        "eligible": 2,
        "selected": 2,
        "waitlisted": 0,
        "assigned": 1,
        "released": 0,
        "alreadyHolding": 0,
        "releasedFromPlan": 0,
        "conflicts": 0,
        "notified": 1,
    }
    holders = set(Code.objects.filter(date_assigned__isnull=False).values_list("entry_id", "fan_id"))
    assert holders == {(kept.pk, kept.fan_id)}
    assert Code.objects.filter(fan_id=erased.fan_id).count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_erasure_waits_for_a_wave_giving_the_fan_a_code_in_a_campaign_they_never_entered(require_postgres):
    """Issue 36: waves no longer take a key every erasure holds; they hold the fan's row (``hold_fan``) instead."""
    # given a fan entered in campaign Y only, and a wave of campaign X giving them a code (by globalUserId), in flight
    campaign_y, (market_y,) = closed_campaign(name="Y", markets=1)
    (entry,) = add_entries(campaign_y, [((market_y.pk,), 0.9, True)])
    campaign_x, _ = closed_campaign(name="X", markets=1)
    code = Code.objects.get(campaign=campaign_x, code=add_codes(campaign_x, 1)[0])
    erased = threading.Event()

    def wave_row():
        lock_code_holders(campaign_x.pk)
        assert hold_fan(entry.fan_id)
        Code.objects.filter(pk=code.pk).update(fan_id=entry.fan_id)

    with held_in_another_session(wave_row):
        # when the fan is erased meanwhile
        eraser = threading.Thread(
            target=lambda: (erase_fan(entry.fan_id, actor=TEST_ACTOR), connection.close(), erased.set())
        )
        eraser.start()
        # then the erasure waits for the wave's row (it does not know campaign X yet)
        assert not erased.wait(1.0)
    eraser.join(20)
    # and once the wave committed, the erasure found X, took its lock and detached the code the wave gave
    assert erased.is_set()
    code.refresh_from_db()
    assert code.fan_id is None and not Fan.objects.filter(pk=entry.fan_id).exists()
