"""Wave prep and selection of one campaign exclude each other (issue 33 point 1; catalog §3.7.1, §3.7.2;
decisions.md "Wave prep and selection exclude each other"): no fan gets a second code from a run that read its
candidates while another run's selection was pending or being applied."""

import threading

import pytest
from django.db import connection
from django.db.models import Count

from codes.models import Code
from conftest import TEST_ACTOR, run_concurrently
from entries.models import Stat, StatStatus
from entries.selection.models import Wave, WavePrep
from entries.selection.services import waves
from entries.selection.services.selection import apply_selection, trigger_selection
from entries.selection.services.wave_prep import WavePrepAttemptFailed, run_wave_prep, trigger_wave_prep
from entries.selection.tests.selection_factory import NOW, add_codes, add_entries, closed_campaign
from monoql.errors import ValidationFailed


def _run(campaign, date_key, **params):
    return run_wave_prep(trigger_wave_prep(campaign_id=campaign.pk, date_key=date_key, **params, actor=TEST_ACTOR).pk)


def _world(fans=6, codes=20, populations=None):
    campaign, markets = closed_campaign(markets=2, populations=populations)
    add_codes(campaign, codes)
    add_entries(campaign, [((markets[n % 2].pk,), 0.9 - n / 100, True) for n in range(fans)])
    return campaign, markets


def _second_codes(campaign):
    """Fans holding more than one assigned code of a type in a market."""
    return list(
        Code.objects.filter(campaign=campaign, date_assigned__isnull=False, entry__isnull=False)
        .values("entry_id", "market_id", "type")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )


@pytest.mark.django_db
def test_a_wave_prep_cannot_be_triggered_while_a_selection_of_the_campaign_is_pending():
    """Catalog §3.7.2: wave prep reads the candidates a pending selection is about to give codes to."""
    # given a finished run whose selection was triggered but not yet applied
    campaign, markets = _world()
    _run(campaign, "k1")
    trigger_selection(campaign_id=campaign.pk, market_ids=[markets[0].pk], actor=TEST_ACTOR)
    # when staff trigger another wave prep
    with pytest.raises(ValidationFailed) as refused:
        trigger_wave_prep(campaign_id=campaign.pk, date_key="k2", actor=TEST_ACTOR)
    # then it is refused with a coded reason and nothing was created
    assert refused.value.reason == "SELECTION_IN_PROGRESS"
    assert list(WavePrep.objects.values_list("date_key", flat=True)) == ["k1"]


@pytest.mark.django_db
def test_selection_cannot_be_triggered_while_a_wave_prep_of_the_campaign_runs():
    """Catalog §3.7.1: the reverse — a selection while a run reads candidates."""
    campaign, markets = _world()
    _run(campaign, "k1")
    trigger_wave_prep(campaign_id=campaign.pk, date_key="k2", actor=TEST_ACTOR)  # TRIGGERED, its worker not run yet
    with pytest.raises(ValidationFailed) as refused:
        trigger_selection(campaign_id=campaign.pk, market_ids=[markets[0].pk], actor=TEST_ACTOR)
    assert refused.value.reason == "WAVE_PREP_IN_PROGRESS"
    assert not Stat.objects.filter(type="selection").exists()


@pytest.mark.django_db
def test_a_run_that_read_its_candidates_before_another_runs_selection_was_applied_is_refused():
    """Catalog §3.7.1: selection refuses a stale run (``WAVE_PREP_STALE``) instead of handing out second codes."""
    # given two finished runs k1 and k2 that both selected the same fans, and k1's selection applied after k2 read
    campaign, markets = _world()
    first = _run(campaign, "k1")
    second = _run(campaign, "k2")
    Stat.objects.create(
        campaign=campaign, market_id=markets[0].pk, date_id="k1", type="selection", meta={"wavePrepId": first.pk}
    )
    apply_selection(first.pk, [markets[0].pk])
    # when staff trigger selection (the latest finished run, k2)
    with pytest.raises(ValidationFailed) as refused:
        trigger_selection(campaign_id=campaign.pk, market_ids=[markets[0].pk], actor=TEST_ACTOR)
    # then it is refused, and no fan holds two codes
    assert refused.value.reason == "WAVE_PREP_STALE"
    assert second.date_read is not None
    assert _second_codes(campaign) == []


@pytest.mark.django_db
def test_a_market_applied_from_a_stale_run_fails_with_the_reason_and_assigns_nothing():
    """Catalog §3.7.1: the worker checks too, under the campaign's lock (a Stat queued before the other was applied)."""
    campaign, markets = _world()
    first, second = _run(campaign, "k1"), _run(campaign, "k2")
    for run in (first, second):
        Stat.objects.create(
            campaign=campaign, market_id=markets[0].pk, date_id=run.date_key, type="selection",
            meta={"wavePrepId": run.pk},
        )  # fmt: skip
    apply_selection(first.pk, [markets[0].pk])
    assigned = Code.objects.filter(campaign=campaign, date_assigned__isnull=False).count()
    # when the stale run's market is applied
    assert apply_selection(second.pk, [markets[0].pk]) == {}
    # then its Stat is FAILED with the reason, and no code moved
    stat = Stat.objects.get(date_id="k2", type="selection")
    assert (stat.status, stat.errors[0]["reason"]) == (StatStatus.FAILED, "WAVE_PREP_STALE")
    assert Code.objects.filter(campaign=campaign, date_assigned__isnull=False).count() == assigned
    assert _second_codes(campaign) == []


@pytest.mark.django_db
def test_a_selected_fan_already_holding_a_code_in_the_market_gets_no_second_one():
    """Catalog §3.7.1 (not ``reassign``): a fan holding an assigned code of the same type in the market (a wave's,
    another run's) is skipped and counted; their planned code is released."""
    # given a run that selected three fans of market 0, the first of whom got a code from a wave meanwhile
    campaign, markets = _world(fans=6)
    run = _run(campaign, "k1")
    planned = list(run.allocations.filter(market=markets[0], outcome="selected").order_by("position"))
    wave_code = Code.objects.create(
        campaign=campaign, code="WAVE-1", type="tm", market=markets[0], entry_id=planned[0].entry_id,
        fan_id=planned[0].entry.fan_id, date_assigned=NOW, date_saved=NOW,
    )  # fmt: skip
    # when selection is applied
    trigger_selection(campaign_id=campaign.pk, market_ids=[markets[0].pk], actor=TEST_ACTOR)
    count = apply_selection(run.pk, [markets[0].pk])[markets[0].pk]
    # then the fan keeps their one code, the planned one is available again, and the Stat says so
    assert (count["assigned"], count["alreadyHolding"], count["released"], count["conflicts"]) == (2, 1, 1, 0)
    assert list(Code.objects.filter(entry_id=planned[0].entry_id).values_list("code", flat=True)) == [wave_code.code]
    assert Code.objects.get(campaign=campaign, code=planned[0].code).reserve_id is None


@pytest.mark.django_db
def test_codes_staff_released_from_a_plan_are_a_named_conflict():
    """Catalog §3.8 ``release``: staff releasing codes a run planned leaves those fans without a code; the Stat
    names it (``releasedFromPlan``) instead of counting an anonymous conflict."""
    campaign, markets = _world(fans=6)
    run = _run(campaign, "k1")
    planned = run.allocations.filter(market=markets[0], outcome="selected").order_by("position").first()
    Code.objects.filter(campaign=campaign, code=planned.code).update(reserve_id=None, date_reserved=None)
    trigger_selection(campaign_id=campaign.pk, market_ids=[markets[0].pk], actor=TEST_ACTOR)
    count = apply_selection(run.pk, [markets[0].pk])[markets[0].pk]
    assert (count["assigned"], count["releasedFromPlan"], count["conflicts"]) == (2, 1, 1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_wave_prep_racing_the_selection_of_another_run_never_hands_out_second_codes(require_postgres):
    """Catalog §3.7.1/§3.7.2, the race found by the hostile tests: run k2 read the candidates of k1's selection
    0.3 s before it was applied. Two workers (threads with their own PostgreSQL sessions) run k2's wave prep and
    k1's selection at once, several rounds; whichever goes first, no fan ends with two codes in a market."""
    for round_ in range(4):
        # given run k1 finished with its selection queued, and run k2 queued (as the race left them)
        campaign, markets = _world(fans=40, codes=200)
        first = _run(campaign, "k1")
        trigger_selection(campaign_id=campaign.pk, market_ids=[m.pk for m in markets], actor=TEST_ACTOR)
        second = WavePrep.objects.create(
            campaign=campaign, date_key="k2", seed=1, reserve_id=first.reserve_id.__class__(int=round_ + 1),
            status="TRIGGERED", params={},
        )  # fmt: skip

        # when one worker applies k1's selection while another runs k2's wave prep
        def work(n, first=first, second=second, markets=markets):
            if n == 0:
                return apply_selection(first.pk, [m.pk for m in markets])
            try:
                return run_wave_prep(second.pk)
            except WavePrepAttemptFailed as failed:
                return failed

        results, errors = run_concurrently(2, work)
        assert errors == []
        # and k2, if it finished, is then selected too
        second.refresh_from_db()
        if second.status == "FINISHED":
            try:
                trigger_selection(campaign_id=campaign.pk, market_ids=[m.pk for m in markets], actor=TEST_ACTOR)
                apply_selection(second.pk, [m.pk for m in markets])
            except ValidationFailed as refused:
                assert refused.reason == "WAVE_PREP_STALE"
        # then no fan holds two codes, and k1's selection was applied in full
        assert _second_codes(campaign) == [], round_
        assert Code.objects.filter(campaign=campaign, date_assigned__isnull=False).count() == first.count["selected"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_wave_row_in_flight_is_waited_for_and_selection_then_gives_its_fan_no_second_code(
    require_postgres, monkeypatch
):
    """Catalog §3.7.1/§3.7.3, the race of selection against a wave: a wave's worker has written fan F's code in
    market M and not committed yet when another worker applies M's selection, which planned another code for F.
    Selection waits for the wave's row (the campaign's selection lock) and then sees F's code: F keeps one code."""
    # given a run that selected F (the best fan) in market M, and a wave about to give F the code WAVE-1 in M
    campaign, markets = _world(fans=6)
    market = markets[0]
    run = _run(campaign, "k1")
    planned = run.allocations.filter(market=market, outcome="selected").order_by("position").first()
    fan = planned.entry.fan
    Code.objects.create(campaign=campaign, code="WAVE-1", type="tm", market=market, date_saved=NOW)
    wave = Wave.objects.create(
        campaign=campaign, name="w", csv_path="waves/w.csv", date_notify=NOW, date_begin=NOW, date_end=NOW
    )
    Stat.objects.create(
        campaign=campaign, market_id=market.pk, date_id="k1", type="selection", meta={"wavePrepId": run.pk}
    )  # queued, as triggerSelection leaves it
    # and the wave's worker paused inside its row's transaction, right after it saved F's code
    saved, finish = threading.Event(), threading.Event()
    real_save = Code.save

    def save_then_pause(code, *args, **kwargs):
        real_save(code, *args, **kwargs)
        if code.code == "WAVE-1":
            saved.set()
            finish.wait(10)

    monkeypatch.setattr(Code, "save", save_then_pause)

    def wave_worker():
        try:
            waves._assign_codes(wave, [{"globaluserid": fan.global_user_id, "code": "WAVE-1", "marketid": market.pk}])
        finally:
            connection.close()

    worker = threading.Thread(target=wave_worker)
    worker.start()
    assert saved.wait(10)
    threading.Timer(1.0, finish.set).start()  # the wave's row commits a second later
    # when the market's selection is applied meanwhile (it waits for the wave's row)
    count = apply_selection(run.pk, [market.pk])[market.pk]
    worker.join(10)
    # then F holds the wave's code only, the planned code is available again, and the Stat says why
    assert list(Code.objects.filter(entry_id=planned.entry_id).values_list("code", flat=True)) == ["WAVE-1"]
    assert Code.objects.get(campaign=campaign, code=planned.code).date_assigned is None
    assert count["alreadyHolding"] == 1
    assert _second_codes(campaign) == []
