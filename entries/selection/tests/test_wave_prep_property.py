"""Wave prep on generated campaigns in PostgreSQL (hypothesis draws campaigns and parameters, scarce shared codes
among them): capacity never exceeded, no code twice, single-market fans selected once and never below a market
they preferred that had a place and a code, fans holding codes skipped without
``reassign``, score bounds respected, and the same seed and inputs giving the same result."""

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codes.models import Code
from conftest import TEST_ACTOR
from entries.selection.models import Allocation
from entries.selection.services.wave_prep import run_wave_prep, trigger_wave_prep
from entries.selection.tests.selection_factory import add_codes, add_entries, closed_campaign

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 1, tzinfo=UTC)


@st.composite
def setups(draw):
    markets = draw(st.integers(1, 4))
    populations = [draw(st.one_of(st.none(), st.integers(0, 6))) for _ in range(markets)]
    fans = [
        (
            draw(st.lists(st.integers(0, markets - 1), min_size=1, max_size=markets, unique=True)),
            draw(st.one_of(st.none(), st.sampled_from([0.1, 0.4, 0.6, 0.9]))),
            draw(st.booleans()) or draw(st.booleans()),
            draw(st.booleans()) and draw(st.booleans()),  # already holds a code
        )
        for _ in range(draw(st.integers(0, 20)))
    ]
    pools = {
        "unpinned": draw(st.integers(0, 10)),
        "pinned": [draw(st.integers(0, 3)) for _ in range(markets)],
        "external": draw(st.integers(0, 4)),
    }
    params = {
        "reassign": draw(st.booleans()),
        "order_by_preference": draw(st.booleans()),
        "single_market": draw(st.booleans()),
        "random_selection": draw(st.booleans()),
        "min_score": draw(st.one_of(st.none(), st.sampled_from([0.0, 0.4, 0.6]))),
        "max_score": draw(st.one_of(st.none(), st.sampled_from([0.6, 0.9, 1.0]))),
        "seed": draw(st.integers(0, 2**62)),
    }
    return populations, fans, pools, params


def _build(populations, fans, pools):
    campaign, markets = closed_campaign(markets=len(populations), populations=populations)
    entries = add_entries(
        campaign, [(tuple(markets[i].pk for i in ranks), score, verdict) for ranks, score, verdict, _ in fans]
    )
    holders = set()
    for n, (entry, (_, _, _, holds)) in enumerate(zip(entries, fans, strict=True)):
        if holds:
            Code.objects.create(
                campaign=campaign,
                code=f"HELD-{n}",
                type="tm",
                entry=entry,
                fan_id=entry.fan_id,
                date_saved=NOW,
                date_assigned=NOW,
            )
            holders.add(entry.pk)
    add_codes(campaign, pools["unpinned"], prefix="U")
    add_codes(campaign, pools["external"], code_type="external", prefix="X")
    for market, count in zip(markets, pools["pinned"], strict=True):
        add_codes(campaign, count, market=market, prefix=f"P{market.pk}")
    return campaign, markets, {entry.pk: entry for entry in entries}, holders


def _outcome(wave_prep):
    return sorted(
        Allocation.objects.filter(wave_prep=wave_prep).values_list(
            "entry_id", "market_id", "outcome", "preference_rank", "position", "code"
        )
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(setup=setups())
def test_wave_prep_properties_on_generated_campaigns(require_postgres, setup):
    # given a generated campaign, code pools and parameters
    populations, fans, pools, params = setup
    campaign, markets, entries, holders = _build(populations, fans, pools)

    # when the wave prep runs
    wave_prep = run_wave_prep(trigger_wave_prep(campaign_id=campaign.pk, date_key="p", **params, actor=TEST_ACTOR).pk)
    assert wave_prep.status == "FINISHED", wave_prep.error
    selected = list(Allocation.objects.filter(wave_prep=wave_prep, outcome="selected"))

    # then no market exceeds its population, and no code is given twice (nor one already assigned)
    for market, population in zip(markets, populations, strict=True):
        in_market = [row for row in selected if row.market_id == market.pk]
        if population is not None:
            assert len(in_market) <= population
    codes = [row.code for row in selected]
    assert len(codes) == len(set(codes))
    assert not Code.objects.filter(campaign=campaign, code__in=codes, date_assigned__isnull=False).exists()
    assert Code.objects.filter(campaign=campaign, reserve_id=wave_prep.reserve_id).count() == len(codes)
    # and a single-market fan is selected at most once
    if params["single_market"]:
        fans_selected = [row.entry_id for row in selected]
        assert len(fans_selected) == len(set(fans_selected))
    # and (singleMarket, scarce shared codes drawn as fans are placed) no fan is placed below, or left out of, a
    # market they ranked higher that a fan after them in the priority order got into: it had a place and a code
    if params["single_market"] and not params["order_by_preference"]:
        placed = {row.entry_id: row for row in selected}
        for row in Allocation.objects.filter(wave_prep=wave_prep):
            got = placed.get(row.entry_id)
            ranked = [m for m in entries[row.entry_id].market_ids if m]
            higher = ranked[: ranked.index(got.market_id)] if got else ranked
            later = [
                other.entry_id for other in selected if other.market_id in higher and other.position > row.position
            ]
            assert later == [], (row.entry_id, higher, later)
    # and without reassign fans holding a code are never selected; blocked fans never
    if not params["reassign"]:
        assert not holders & {row.entry_id for row in selected}
    for row in selected:
        entry = entries[row.entry_id]
        assert entry.verdict
        assert row.market_id in entry.market_ids
        if params["min_score"] is not None:
            assert entry.score is not None and entry.score >= params["min_score"]
        if params["max_score"] is not None:
            assert entry.score is not None and entry.score <= params["max_score"]

    # when the same run is triggered again with the same seed
    first = _outcome(wave_prep)
    again = run_wave_prep(trigger_wave_prep(campaign_id=campaign.pk, date_key="p", **params, actor=TEST_ACTOR).pk)

    # then the result is identical, codes included
    assert again.input_hash == wave_prep.input_hash
    assert _outcome(again) == first
    assert again.count == wave_prep.count
