"""Eras scale, step one (issue 25, "record the allocations first"): the allocations today's wave prep makes on a
set of generated campaigns — every mode of catalog §3.7.2, score order and lottery with two seeds, score
bounds, population caps and pinned codes — are recorded in ``golden/allocations.json``; any new wave prep
must reproduce them exactly (fan, market, outcome, preference rank, position and code).

Record again only on purpose (a deliberate algorithm change, with a new ``ALGORITHM_VERSION``):
``MONOQL_RECORD_GOLDEN=1 make test PYTEST_ARGS="entries/selection/tests/test_golden_allocations.py"``.
"""

import json
import os
import random
from pathlib import Path

import pytest

from accounts.models import Fan
from conftest import TEST_ACTOR
from entries.models import Entry
from entries.selection.models import Allocation
from entries.selection.services.wave_prep import release_reservations, run_wave_prep, trigger_wave_prep
from entries.selection.tests.selection_factory import add_codes, closed_campaign

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).with_name("golden") / "allocations.json"
RECORD = os.environ.get("MONOQL_RECORD_GOLDEN") == "1"
FIRST_ENTRY_ID = 7_000_000

#: name → (wave prep switches, seed). Seeds matter only for the lottery; score order ignores them.
MODES = {
    "score": ({}, 1),
    "score-by-preference": ({"order_by_preference": True}, 1),
    "score-single-market": ({"single_market": True}, 1),
    "score-single-market-by-preference": ({"single_market": True, "order_by_preference": True}, 1),
    "lottery-seed-7": ({"random_selection": True}, 7),
    "lottery-seed-2022": ({"random_selection": True}, 2022),
    "lottery-by-preference": ({"random_selection": True, "order_by_preference": True}, 7),
    "lottery-single-market": ({"random_selection": True, "single_market": True}, 7),
    "lottery-single-market-by-preference": (
        {"random_selection": True, "single_market": True, "order_by_preference": True},
        2022,
    ),
    "score-bounded": ({"min_score": 0.2, "max_score": 0.8}, 1),
}


def _generated_campaign():
    """3 markets (populations 40, 25, uncapped), 300 fans ranking 1–3 markets, scores with ties and gaps,
    some blocked; 60 unpinned codes and 20 pinned to the uncapped market. Deterministic (seeded PRNG)."""
    rng = random.Random(25)
    campaign, markets = closed_campaign(name="Golden Tour", markets=3, populations=[40, 25, None])
    rows = []
    for _ in range(300):
        ranked = rng.sample([m.pk for m in markets], rng.choice([1, 2, 3]))
        score = None if rng.random() < 0.05 else round(rng.choice([rng.random(), 0.5, 0.75]), 3)
        rows.append((tuple(ranked), score, rng.random() > 0.1))
    fans = Fan.objects.bulk_create(
        Fan(global_user_id=f"golden-{n}", email=f"golden{n}@example.com", first_name=f"F{n}") for n in range(len(rows))
    )
    entries = []
    for n, (fan, (ranked, score, verdict)) in enumerate(zip(fans, rows, strict=True)):
        # fixed ids: the lottery key hashes the entry id, so the recorded runs need the same ids every time
        entry = Entry(
            id=FIRST_ENTRY_ID + n,
            campaign=campaign,
            fan=fan,
            score=score,
            verdict=verdict,
            email=fan.email,
            phone=f"+1415555{n:04d}",
            random_score=round(rng.random(), 6),
        )
        entry.set_market_ids(list(ranked))
        entries.append(entry)
    Entry.objects.bulk_create(entries)
    add_codes(campaign, 60)
    add_codes(campaign, 20, market=markets[2], prefix="PIN")
    return campaign, markets


def _allocations(wave_prep, markets) -> list:
    names = {market.pk: market.name for market in markets}
    rows = Allocation.objects.filter(wave_prep=wave_prep).values_list(
        "entry__fan__global_user_id", "market_id", "outcome", "preference_rank", "position", "code"
    )
    return sorted(
        [fan.rsplit("-", 1)[-1], names[market], outcome, rank, position, code]
        for fan, market, outcome, rank, position, code in rows
    )


def test_wave_prep_reproduces_the_recorded_allocations_of_every_mode():
    # given the generated campaign, when each mode runs (one dateKey each, fresh codes between runs)
    campaign, markets = _generated_campaign()
    found = {}
    for name, (switches, seed) in MODES.items():
        wave_prep = run_wave_prep(
            trigger_wave_prep(campaign_id=campaign.pk, date_key=name, seed=seed, **switches, actor=TEST_ACTOR).pk
        )
        assert wave_prep.status == "FINISHED", (name, wave_prep.error)
        count = {
            **wave_prep.count,
            "markets": [{k: v for k, v in m.items() if k != "id"} for m in wave_prep.count["markets"]],
        }
        found[name] = {"count": count, "allocations": _allocations(wave_prep, markets)}
        release_reservations(wave_prep)  # every mode starts from the same pool of codes
    if RECORD:
        GOLDEN.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    # then every mode gives exactly the recorded fans, markets, outcomes, ranks, positions, codes and counts
    golden = json.loads(GOLDEN.read_text())
    assert sorted(found) == sorted(golden) == sorted(MODES)
    for name in MODES:
        assert found[name]["allocations"] == golden[name]["allocations"], name
        assert found[name]["count"] == golden[name]["count"], name
    assert {len(golden[name]["allocations"]) > 0 for name in MODES} == {True}
