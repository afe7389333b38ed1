"""Rules found wrong (selection side): lottery replay by seed, and ``population`` as a cap over every run."""

import pytest

from codes.models import Code
from conftest import TEST_ACTOR, session_token_for
from entries.selection.models import Allocation, WavePrep
from entries.selection.services.selection import apply_selection, trigger_selection
from entries.selection.services.wave_prep import run_wave_prep, trigger_wave_prep
from entries.selection.tests.selection_factory import add_codes, add_entries, closed_campaign
from monoql.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def _run(campaign, date_key, **params):
    return run_wave_prep(trigger_wave_prep(campaign_id=campaign.pk, date_key=date_key, **params, actor=TEST_ACTOR).pk)


def _outcomes(wave_prep):
    return list(
        Allocation.objects.filter(wave_prep=wave_prep)
        .order_by("position", "market_id")
        .values_list("entry_id", "market_id", "outcome", "position")
    )


def test_lottery_replays_from_a_recorded_seed():
    """catalog §3.7.1 ``triggerWavePrep``: an auditor replays a lottery — same inputs and seed, same result."""
    # Given a lottery run recorded with its seed
    campaign, (a, b) = closed_campaign(markets=2, populations=[3, 2])
    add_codes(campaign, 10)
    add_entries(campaign, [((a.pk, b.pk) if n % 2 else (b.pk, a.pk), None, True) for n in range(12)])
    first = _run(campaign, "run-1", random_selection=True)
    # When the run is replayed with that seed (another dateKey, same inputs)
    replay = _run(campaign, "run-2", random_selection=True, seed=str(first.seed))
    # Then the order, the outcomes and the input hash are identical; a fresh seed gives another order
    assert replay.seed == first.seed
    assert replay.input_hash == first.input_hash
    assert _outcomes(replay) == _outcomes(first)
    other = _run(campaign, "run-3", random_selection=True, seed="12345")
    assert other.input_hash != first.input_hash


@pytest.mark.parametrize("seed", ["-1", "abc", str(2**63), "1.5"])
def test_a_bad_seed_is_refused_naming_the_field(seed):
    """catalog §3.7.1: a seed is a whole number 0 … 2^63 − 1."""
    campaign, _ = closed_campaign(markets=1)
    with pytest.raises(ValidationFailed) as refused:
        trigger_wave_prep(campaign_id=campaign.pk, date_key="d", seed=seed, actor=TEST_ACTOR)
    assert (refused.value.reason, refused.value.field) == ("INVALID_SEED", "seed")


def test_population_caps_a_market_over_every_run():
    """catalog §3.7.1 capacity (decisions.md "Rules found wrong"): two runs never select more than population."""
    # Given a market of population 2 and five fans; a first run selected two and selection applied it
    campaign, (a,) = closed_campaign(markets=1, populations=[2])
    add_codes(campaign, 10)
    add_entries(campaign, [((a.pk,), 0.9 - n / 10, True) for n in range(5)])
    first = _run(campaign, "wave-1")
    assert first.count["selected"] == 2
    trigger_selection(campaign_id=campaign.pk, market_ids=[a.pk], actor=TEST_ACTOR)
    apply_selection(first.pk, [a.pk])
    assert Code.objects.filter(market=a, date_assigned__isnull=False).count() == 2
    # When a second run prepares the next wave
    second = _run(campaign, "wave-2")
    # Then the market has no capacity left: nobody else is selected, everyone left is waitlisted
    assert second.count["selected"] == 0
    assert {m["id"]: m["capacity"] for m in second.count["markets"]} == {a.pk: 0}
    assert Allocation.objects.filter(wave_prep=second, outcome="selected").count() == 0


REPLAY = 'mutation T($c: ID!, $s: String) { triggerWavePrep(campaignId: $c, dateKey: "audit", seed: $s) }'


def test_an_auditor_replays_a_lottery_through_graphql(gql):
    """catalog §3.7.1 ``triggerWavePrep(seed)``: the seed is accepted outside a Python shell, and refused
    with ``INVALID_SEED`` when it is not one."""
    # Given a run recorded with its seed
    campaign, (a,) = closed_campaign(markets=1, populations=[1])
    recorded = _run(campaign, "first", random_selection=True)
    token = session_token_for("selector", campaign)
    # When a selector triggers a run with that seed
    body = gql.execute(REPLAY, {"c": campaign.pk, "s": str(recorded.seed)}, token=token)
    # Then the new run carries it
    assert body["data"]["triggerWavePrep"]["seed"] == str(recorded.seed)
    assert WavePrep.objects.get(campaign=campaign, date_key="audit").seed == recorded.seed
    # And a bad seed is a validation error naming the field
    bad = gql.execute(REPLAY, {"c": campaign.pk, "s": "lucky"}, token=token)
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"
    assert bad["errors"][0]["extensions"]["reason"] == "INVALID_SEED"
    assert bad["errors"][0]["extensions"]["field"] == "seed"
