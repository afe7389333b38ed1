"""Faults, round two (item 4): a killed worker no longer blocks wave prep, selection or a wave for an hour.

Each test reproduces the fault: a job whose worker died (its heartbeat stops) or whose task never ran is
re-queued by the beat sweeper, or failed once its attempts are spent; an attempt that lost its job to a newer
one (the fence) commits nothing.
"""

import multiprocessing
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from codes.models import Code
from conftest import TEST_ACTOR
from entries.models import Stat, StatStatus
from entries.selection.models import Allocation, Wave, WavePrep, WaveStatus
from entries.selection.services import selection as selection_service
from entries.selection.services import wave_prep as service
from entries.selection.services import waves as wave_service
from entries.selection.tests.selection_factory import closed_campaign
from entries.selection.tests.test_wave_prep_crash import _campaign, _outcome

pytestmark = pytest.mark.django_db(transaction=True)

LONG_AGO = timedelta(minutes=10)


def _silent_since(model, pk, ago=LONG_AGO):
    model.objects.filter(pk=pk).update(heartbeat_at=timezone.now() - ago)


def test_a_wave_prep_whose_worker_died_is_requeued_by_the_sweeper_and_finishes_like_an_uninterrupted_run(
    require_postgres, monkeypatch
):
    # given the result of an uninterrupted run, then the same run triggered again whose worker died mid-run
    campaign = _campaign()
    params = {"campaign_id": campaign.pk, "date_key": "lost", "seed": 7, "single_market": True}
    expected = _outcome(service.run_wave_prep(service.trigger_wave_prep(**params, actor=TEST_ACTOR).pk).pk)
    queued = []
    monkeypatch.setattr(service, "enqueue_on_commit", lambda *args: queued.append(args))
    wave_prep = service.trigger_wave_prep(**params, actor=TEST_ACTOR)
    service._claim(wave_prep.pk)  # attempt 1 claimed the row, then its worker was SIGKILLed
    _silent_since(WavePrep, wave_prep.pk)

    # when the beat's sweeper runs (and the re-queued task is delivered)
    swept = service.sweep_stale_wave_preps()
    assert swept == {"requeued": [wave_prep.pk], "failed": []}
    assert queued[-1] == (service.RUN_TASK, wave_prep.pk)
    finished = service.run_wave_prep(wave_prep.pk)

    # then the run finished on its second attempt with the uninterrupted result
    # (the attempt number only grows: 1 was the first run's, 3 is the second attempt of this one)
    assert (finished.status, finished.attempts) == ("FINISHED", 3)
    assert _outcome(finished.pk) == expected
    # and a fresh run (heartbeat just written) is left alone
    assert service.sweep_stale_wave_preps() == {"requeued": [], "failed": []}


def test_a_wave_prep_whose_attempts_are_spent_is_failed_by_the_sweeper_and_can_be_triggered_again(
    require_postgres, monkeypatch
):
    # given a run whose two attempts' workers died
    campaign = _campaign()
    monkeypatch.setattr(service, "enqueue_on_commit", lambda *args: None)
    wave_prep = service.trigger_wave_prep(campaign_id=campaign.pk, date_key="spent", seed=3, actor=TEST_ACTOR)
    service._claim(wave_prep.pk)
    service._claim(wave_prep.pk)
    _silent_since(WavePrep, wave_prep.pk)

    # when the sweeper runs
    swept = service.sweep_stale_wave_preps()

    # then it is FAILED with a reason, nothing is left reserved, and the dateKey may be triggered again
    failed = WavePrep.objects.get(pk=wave_prep.pk)
    assert swept == {"requeued": [], "failed": [wave_prep.pk]}
    assert failed.status == "FAILED" and failed.error.startswith("The worker was lost")
    assert Code.objects.filter(campaign=campaign, date_reserved__isnull=False).count() == 0
    again = service.trigger_wave_prep(campaign_id=campaign.pk, date_key="spent", seed=3, actor=TEST_ACTOR)
    # (its attempt number is kept: a lost attempt still running can never pass for a new one)
    assert (again.pk, again.status, again.attempts, again.attempts_allowed) == (wave_prep.pk, "TRIGGERED", 2, 4)


def test_a_wave_prep_whose_task_never_ran_is_requeued(require_postgres, monkeypatch):
    # given a TRIGGERED run whose queued message was lost (no worker ever claimed it)
    campaign = _campaign()
    monkeypatch.setattr(service, "enqueue_on_commit", lambda *args: None)
    wave_prep = service.trigger_wave_prep(campaign_id=campaign.pk, date_key="never", seed=3, actor=TEST_ACTOR)
    _silent_since(WavePrep, wave_prep.pk)
    monkeypatch.undo()

    # when the sweeper runs (Celery is eager here: the re-queued task runs at commit)
    swept = service.sweep_stale_wave_preps()

    # then the run is done, on its first attempt
    assert swept["requeued"] == [wave_prep.pk]
    assert (WavePrep.objects.get(pk=wave_prep.pk).status, WavePrep.objects.get(pk=wave_prep.pk).attempts) == (
        "FINISHED",
        1,
    )


def test_two_attempts_of_a_wave_prep_never_both_commit(require_postgres, monkeypatch, settings):
    # given attempt 1 running in a worker process, paused mid-transaction (codes reserved, outcomes written)
    settings.JOB_HEARTBEAT_SECONDS = 600  # one stamp at the start: the test decides when it looks dead
    campaign = _campaign()
    params = {"campaign_id": campaign.pk, "date_key": "fence", "seed": 11}
    expected = _outcome(service.run_wave_prep(service.trigger_wave_prep(**params, actor=TEST_ACTOR).pk).pk)
    monkeypatch.setattr(service, "enqueue_on_commit", lambda *args: None)
    wave_prep = service.trigger_wave_prep(**params, actor=TEST_ACTOR)
    fork = multiprocessing.get_context("fork")
    paused, go = fork.Event(), fork.Event()

    def first_attempt():
        def hold(stage):
            if stage == "allocated":
                paused.set()
                go.wait(60)

        service._hooks.append(hold)
        service.run_wave_prep(wave_prep.pk)

    def second_attempt():
        service.run_wave_prep(wave_prep.pk)

    connections.close_all()
    first = fork.Process(target=first_attempt)
    first.start()
    assert paused.wait(30)

    # when the sweeper takes it for dead, a second attempt claims it, and then the first one wakes up
    _silent_since(WavePrep, wave_prep.pk)
    assert service.sweep_stale_wave_preps()["requeued"] == [wave_prep.pk]
    connections.close_all()  # a forked process must not share this process's connection
    second = fork.Process(target=second_attempt)
    second.start()
    for _ in range(300):
        if WavePrep.objects.get(pk=wave_prep.pk).attempts == 2:
            break
        multiprocessing.Event().wait(0.05)
    go.set()
    first.join(60)
    second.join(60)

    # then only the second attempt committed: its result is the uninterrupted one, every code reserved once
    finished = WavePrep.objects.get(pk=wave_prep.pk)
    assert (first.exitcode, second.exitcode) == (0, 0)
    assert (finished.status, finished.attempts) == ("FINISHED", 3)  # 1 was the uninterrupted run's
    assert _outcome(finished.pk) == expected
    codes = [code for _, _, outcome, code in expected if outcome == "selected"]
    reserved = list(Code.objects.filter(campaign=campaign, date_reserved__isnull=False).values_list("code", flat=True))
    assert sorted(reserved) == sorted(codes) and len(set(codes)) == len(codes)


def _selection_ready(monkeypatch):
    campaign = _campaign()
    wave_prep = service.run_wave_prep(
        service.trigger_wave_prep(campaign_id=campaign.pk, date_key="sel", seed=2, actor=TEST_ACTOR).pk
    )
    markets = [market["id"] for market in wave_prep.count["markets"]]
    queued = []
    monkeypatch.setattr(selection_service, "enqueue_on_commit", lambda *args: queued.append(args))
    selection_service.trigger_selection(campaign_id=campaign.pk, market_ids=markets, actor=TEST_ACTOR)
    return campaign, wave_prep, markets, queued


def _assigned(campaign):
    return sorted(Code.objects.filter(campaign=campaign, date_assigned__isnull=False).values_list("code", "entry_id"))


def test_a_selection_whose_worker_died_is_requeued_per_market_and_assigns_each_code_once(require_postgres, monkeypatch):
    # given a selection of two markets, queued as one task each (workers apply them side by side)
    campaign, wave_prep, (done, lost), queued = _selection_ready(monkeypatch)
    apply = selection_service.APPLY_TASK
    assert queued == [(apply, wave_prep.pk, [done]), (apply, wave_prep.pk, [lost])]
    # and the first applied, the second claimed by a worker that died
    selection_service.apply_selection(wave_prep.pk, [done])
    stats = Stat.objects.filter(campaign=campaign, type="selection")
    selection_service._claim_market(stats.filter(market_id=lost))
    lost_stat = stats.get(market_id=lost)
    _silent_since(Stat, lost_stat.pk)

    # when the sweeper runs and the re-queued market is applied
    swept = selection_service.sweep_stale_selections()
    assert swept == {"requeued": [lost_stat.pk], "failed": []}
    assert queued[-1] == (selection_service.APPLY_TASK, wave_prep.pk, [lost])
    selection_service.apply_selection(wave_prep.pk, [lost])

    # then both markets are FINISHED (the lost one on attempt 2) and every selected fan holds one code
    assert sorted(stats.values_list("market_id", "status", "attempts")) == sorted(
        [(done, StatStatus.FINISHED, 1), (lost, StatStatus.FINISHED, 2)]
    )
    selected = Allocation.objects.filter(wave_prep=wave_prep, outcome="selected")
    assert _assigned(campaign) == sorted(selected.values_list("code", "entry_id"))
    # and triggering the markets again is allowed (nothing is in progress)
    assert (
        selection_service.trigger_selection(campaign_id=campaign.pk, market_ids=[lost], actor=TEST_ACTOR)["status"]
        == "PENDING"
    )


def test_a_superseded_selection_attempt_rolls_its_market_back(require_postgres, monkeypatch):
    # given a market whose attempt 1 is overtaken (the sweeper re-queued it, attempt 2 claimed) mid-run
    campaign, wave_prep, (market, _), _ = _selection_ready(monkeypatch)
    real_apply = selection_service._apply_market

    def overtaken(*args):
        count = real_apply(*args)
        other = connections.create_connection("default")  # attempt 2, in its own worker
        with other.cursor() as cursor:
            cursor.execute(
                "UPDATE entries_stat SET attempts = 2 WHERE campaign_id = %s AND type = 'selection' AND market_id = %s",
                [campaign.pk, market],
            )
        other.close()
        return count

    monkeypatch.setattr(selection_service, "_apply_market", overtaken)

    # when attempt 1 reaches its commit
    result = selection_service.apply_selection(wave_prep.pk, [market])

    # then it committed nothing: no code assigned, the Stat still PROCESSING for attempt 2
    assert result == {}
    assert _assigned(campaign) == []
    stat = Stat.objects.get(campaign=campaign, type="selection", market_id=market)
    assert (stat.status, stat.attempts) == (StatStatus.PROCESSING, 2)


def test_a_selection_market_out_of_attempts_is_failed_and_can_be_triggered_again(require_postgres, monkeypatch):
    campaign, wave_prep, (market, _), _ = _selection_ready(monkeypatch)
    stats = Stat.objects.filter(campaign=campaign, type="selection", market_id=market)
    stats.update(status=StatStatus.PROCESSING, attempts=selection_service.MAX_ATTEMPTS)
    _silent_since(Stat, stats.get().pk)

    swept = selection_service.sweep_stale_selections()

    assert swept["failed"] == [stats.get().pk]
    assert stats.get().status == StatStatus.FAILED
    assert stats.get().errors[0]["message"].startswith("The worker was lost")


def _wave(campaign, status, attempts):
    return Wave.objects.create(
        campaign=campaign,
        name=f"{campaign.pk}/wave-{status}-{attempts}",
        status=status,
        attempts=attempts,
        csv_path="waves/none.csv",
        date_notify=timezone.now() - LONG_AGO,
        date_begin=timezone.now(),
        date_end=timezone.now() + LONG_AGO,
        heartbeat_at=timezone.now() - LONG_AGO,
    )


def test_a_wave_lost_before_sending_is_requeued_and_one_lost_while_sending_is_failed_not_resent(
    require_postgres, monkeypatch
):
    # given a wave whose worker died while assigning codes, and one whose worker died while sending
    campaign, _ = closed_campaign(markets=1)
    queued = []
    monkeypatch.setattr(wave_service, "enqueue_on_commit", lambda *args: queued.append(args))
    assigning = _wave(campaign, WaveStatus.PROCESSING, 1)
    sending = _wave(campaign, WaveStatus.TRIGGERED, 1)
    out_of_attempts = _wave(campaign, WaveStatus.PROCESSING, wave_service.MAX_ATTEMPTS)

    # when the sweeper runs
    swept = wave_service.sweep_stale_waves()

    # then the first is claimed again (attempt 2, the fence) and re-queued, the others are FAILED
    assert swept == {"requeued": [assigning.pk], "failed": sorted([sending.pk, out_of_attempts.pk])}
    assert queued == [(wave_service.PROCESS_TASK, assigning.pk)]
    assert Wave.objects.get(pk=assigning.pk).attempts == 2
    assert (
        Wave.objects.get(pk=sending.pk).error
        == "The worker sending this wave was lost while sending; it is not sent again."
    )
    # and the old attempt of the requeued wave cannot start sending (its fence is 1)
    assert not Wave.objects.filter(pk=assigning.pk, attempts=1).exists()
