"""Shared codes follow the fans' preferences in singleMarket wave preps (issue 35, decisions.md "Shared codes follow
preferences"): when the codes several markets draw from are too few, they go to the fans placed first, in their
highest-ranked market with a place and a code, instead of being shared out between markets in market order."""

import pytest

from codes.models import Code
from conftest import TEST_ACTOR
from entries.selection.allocation import ALGORITHM_VERSION
from entries.selection.models import Allocation, WavePrep
from entries.selection.services.wave_prep import run_wave_prep, trigger_wave_prep
from entries.selection.tests.selection_factory import add_codes, add_entries, closed_campaign

pytestmark = pytest.mark.django_db


def _selected(wave_prep):
    return sorted(
        Allocation.objects.filter(wave_prep=wave_prep, outcome="selected").values_list("entry_id", "market_id", "code")
    )


def test_two_fans_ranking_the_second_market_first_both_get_it():
    # given markets A then B, two unpinned codes, and two fans ranking B first and A second
    campaign, (a, b) = closed_campaign(markets=2)
    first, second = add_entries(campaign, [((b.pk, a.pk), 0.9, True), ((b.pk, a.pk), 0.8, True)])
    add_codes(campaign, 2, prefix="S")
    # when a singleMarket wave prep runs
    wave_prep = run_wave_prep(
        trigger_wave_prep(campaign_id=campaign.pk, date_key="d", single_market=True, seed=1, actor=TEST_ACTOR).pk
    )
    # then both fans are selected in B, each with one of the shared codes, and A takes nobody
    assert wave_prep.status == "FINISHED", wave_prep.error
    assert _selected(wave_prep) == [(first.pk, b.pk, "S-00000"), (second.pk, b.pk, "S-00001")]
    markets = {row["id"]: row for row in wave_prep.count["markets"]}
    assert (markets[a.pk]["selected"], markets[b.pk]["selected"]) == (0, 2)
    assert Code.objects.filter(reserve_id=wave_prep.reserve_id).count() == 2


def test_a_markets_own_codes_go_first_and_the_shared_ones_to_the_fans_placed_first():
    # given markets A and B of two places each: A holds one pinned code, one shared code, three fans
    campaign, (a, b) = closed_campaign(markets=2, populations=[2, 2])
    best, middle, last = add_entries(
        campaign, [((a.pk, b.pk), 0.9, True), ((b.pk, a.pk), 0.8, True), ((a.pk, b.pk), 0.7, True)]
    )
    add_codes(campaign, 1, market=a, prefix="PIN")
    add_codes(campaign, 1, prefix="S")
    # when a singleMarket wave prep runs
    wave_prep = run_wave_prep(
        trigger_wave_prep(campaign_id=campaign.pk, date_key="d", single_market=True, seed=1, actor=TEST_ACTOR).pk
    )
    # then the best fan takes A's own code, the next the shared code in B, and the last finds A without a code
    assert _selected(wave_prep) == [(best.pk, a.pk, "PIN-00000"), (middle.pk, b.pk, "S-00000")]
    waitlisted = Allocation.objects.get(wave_prep=wave_prep, outcome="waitlisted")
    assert (waitlisted.entry_id, waitlisted.market_id) == (last.pk, a.pk)


def test_with_codes_enough_for_every_market_nothing_changes():
    # given the first case with codes for everyone: no shared source is scarce
    campaign, (a, b) = closed_campaign(markets=2, populations=[1, 1])
    first, second = add_entries(campaign, [((b.pk, a.pk), 0.9, True), ((b.pk, a.pk), 0.8, True)])
    add_codes(campaign, 4, prefix="S")
    # when a singleMarket wave prep runs
    wave_prep = run_wave_prep(
        trigger_wave_prep(campaign_id=campaign.pk, date_key="d", single_market=True, seed=1, actor=TEST_ACTOR).pk
    )
    # then the serial dictatorship places by places alone, codes taken in market order as before
    assert _selected(wave_prep) == [(first.pk, b.pk, "S-00001"), (second.pk, a.pk, "S-00000")]


def test_replaying_a_run_of_the_earlier_rules_says_it_predates_them():
    # given a finished run recorded under the first version of the rules
    campaign, (a, b) = closed_campaign(markets=2)
    add_entries(campaign, [((b.pk, a.pk), 0.9, True)])
    add_codes(campaign, 1)
    old = run_wave_prep(trigger_wave_prep(campaign_id=campaign.pk, date_key="old", seed=42, actor=TEST_ACTOR).pk)
    WavePrep.objects.filter(pk=old.pk).update(algorithm_version="monoql-selection-1")
    # when it is replayed with its seed under a new dateKey
    replay = trigger_wave_prep(campaign_id=campaign.pk, date_key="again", seed=42, actor=TEST_ACTOR)
    # then the trigger says the recorded run predates today's rules
    assert replay.algorithm_version == ALGORITHM_VERSION == "monoql-selection-2"
    assert replay.replay_of == {
        "dateKey": "old",
        "algorithmVersion": "monoql-selection-1",
        "note": "Recorded under monoql-selection-1; this run follows monoql-selection-2, so the result may differ "
        "(docs/selection.md).",
    }
    # and a replay of a run of today's rules says nothing
    run_wave_prep(replay.pk)
    fresh = trigger_wave_prep(campaign_id=campaign.pk, date_key="third", seed=7, actor=TEST_ACTOR)
    assert fresh.replay_of is None
