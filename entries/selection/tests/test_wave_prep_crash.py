"""A worker killed in the middle of a wave prep (a real process, killed with ``os._exit``) is retried: no
code is reserved twice and the result equals an uninterrupted run (PostgreSQL, committed transactions)."""

import multiprocessing
import os

import pytest
from django.db import connections

from codes.models import Code
from conftest import TEST_ACTOR
from entries.selection.models import Allocation, WavePrep
from entries.selection.services import wave_prep as service
from entries.selection.tests.selection_factory import add_codes, add_entries, closed_campaign

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_worker(monkeypatch):
    """Nothing runs the queued task by itself (Celery is eager in tests): each test plays the worker."""
    monkeypatch.setattr(service, "enqueue_on_commit", lambda *args: None)


def _outcome(wave_prep_id):
    return sorted(
        Allocation.objects.filter(wave_prep_id=wave_prep_id).values_list("entry_id", "market_id", "outcome", "code")
    )


def _killed_at(stage):
    def hook(current):
        if current == stage:
            os._exit(137)

    return hook


def _run_in_worker_killed_at(wave_prep_id, stage) -> int:
    """Run one attempt in a forked worker process that dies at ``stage``; returns its exit code."""
    connections.close_all()

    def work():
        service._hooks.append(_killed_at(stage))
        service.run_wave_prep(wave_prep_id)
        os._exit(0)

    process = multiprocessing.get_context("fork").Process(target=work)
    process.start()
    process.join(60)
    return process.exitcode


def _campaign():
    campaign, (a, b) = closed_campaign(markets=2, populations=[3, 2])
    add_codes(campaign, 4)
    add_codes(campaign, 2, market=b)
    add_entries(campaign, [((a.pk, b.pk) if n % 2 else (b.pk, a.pk), 0.2 + n / 20, True) for n in range(12)])
    return campaign


@pytest.mark.parametrize("stage", ["allocated", "committed"])
def test_a_killed_wave_prep_retried_equals_an_uninterrupted_run(require_postgres, stage):
    # given the result of an uninterrupted run
    campaign = _campaign()
    params = {"campaign_id": campaign.pk, "date_key": "crash", "seed": 99, "single_market": True}
    clean = service.run_wave_prep(service.trigger_wave_prep(**params, actor=TEST_ACTOR).pk)
    expected = _outcome(clean.pk)
    assert len([row for row in expected if row[2] == "selected"]) == 5

    # when the same run is triggered again and its worker is killed in the middle (mid-transaction, or
    # after the commit before the zip), then retried
    wave_prep = service.trigger_wave_prep(**params, actor=TEST_ACTOR)
    assert _run_in_worker_killed_at(wave_prep.pk, stage) == 137
    assert WavePrep.objects.get(pk=wave_prep.pk).status == "TRIGGERED"
    retried = service.run_wave_prep(wave_prep.pk)

    # then the retry finished on its second attempt with the uninterrupted result
    assert (retried.status, retried.attempts) == ("FINISHED", 3)  # 1 was the clean run's: the number only grows
    assert _outcome(retried.pk) == expected
    assert retried.count == clean.count
    # and every code is reserved once, by this run, for exactly the selected fans
    codes = [code for _, _, outcome, code in expected if outcome == "selected"]
    reserved = list(Code.objects.filter(campaign=campaign, date_reserved__isnull=False).values_list("code", flat=True))
    assert sorted(reserved) == sorted(codes)
    assert len(set(codes)) == len(codes)


def test_a_wave_prep_killed_twice_fails_and_releases_its_codes(require_postgres):
    # given a run whose worker is killed on both attempts
    campaign = _campaign()
    wave_prep = service.trigger_wave_prep(campaign_id=campaign.pk, date_key="twice", seed=5, actor=TEST_ACTOR)
    assert _run_in_worker_killed_at(wave_prep.pk, "committed") == 137
    assert _run_in_worker_killed_at(wave_prep.pk, "committed") == 137

    # when the broker delivers it a third time
    result = service.run_wave_prep(wave_prep.pk)

    # then it is FAILED after 2 attempts, with nothing reserved and no outcomes left
    assert (result.status, result.attempts) == ("FAILED", 3)
    assert "2 attempts" in result.error
    assert Code.objects.filter(campaign=campaign, date_reserved__isnull=False).count() == 0
    assert Allocation.objects.filter(wave_prep=wave_prep).count() == 0
