"""The columnar allocation (issue 25) against the readable one (``allocation.allocate``): on random campaigns,
every mode of catalog §3.7.2 and both orders give the same fans in the same markets, in the same selection
order, with the same positions, ranks and counts."""

import random

import numpy as np
import pytest

from entries.selection import columnar
from entries.selection.allocation import Params, SharedCodes, allocate
from entries.selection.columnar import RANKS, Columns, allocate_columns

MODES = [
    Params(single_market=single, order_by_preference=by_rank, random_selection=lottery, seed=seed)
    for single in (False, True)
    for by_rank in (False, True)
    for lottery in (False, True)
    for seed in (3, 2022)
]


def _campaign(rng: random.Random):
    """Candidates as tuples (with a market outside the run now and then) and the same as columns."""
    markets = [f"m{i}" for i in range(rng.randint(1, 7))]
    outside = "gone"
    candidates = []
    for entry_id in rng.sample(range(1, 10_000), rng.randint(0, 300)):
        ranked = rng.sample([*markets, outside], min(len(markets) + 1, rng.randint(1, RANKS)))
        if outside in ranked and len(ranked) == 1:
            ranked.append(markets[0])
        score = None if rng.random() < 0.1 else rng.choice([0.5, round(rng.random(), 2)])
        candidates.append((entry_id, tuple(ranked), score, rng.choice([0.25, rng.random()])))
    capacity = {market: rng.choice([0, 1, 3, 10, 40, 1000]) for market in markets}
    index = {market: i for i, market in enumerate(markets)}
    ranked = np.full((len(candidates), RANKS), -1, dtype=np.int16)
    for row, (_, choices, _, _) in enumerate(candidates):
        for rank, market in enumerate(choices):
            ranked[row, rank] = index.get(market, -1)
    columns = Columns(
        entry_id=np.array([c[0] for c in candidates], dtype=np.int64),
        ranked=ranked,
        score=np.array([np.nan if c[2] is None else c[2] for c in candidates], dtype=np.float64),
        random_score=np.array([c[3] for c in candidates], dtype=np.float64),
    )
    return candidates, capacity, columns, markets


def _assert_same_markets(found, expected, entry_ids, markets, params):
    """Each market's selected fans (entry id, rank, position, in selection order) and counts are the reference's."""
    for m, market in enumerate(markets):
        part = slice(found.selected_offsets[m], found.selected_offsets[m + 1])
        rows = [
            (int(entry_ids[p]), int(r), int(p))
            for p, r in zip(found.selected_position[part], found.selected_rank[part], strict=True)
        ]
        assert rows == expected.selected[market], (params, market)
        assert {k: int(v[m]) for k, v in found.counts.items()} == expected.counts[market], (params, market)


@pytest.mark.parametrize("window", [columnar.WINDOW, 5])
@pytest.mark.parametrize("trial", range(40))
def test_columns_decide_exactly_what_the_readable_allocation_decides(trial, window, monkeypatch):
    # given a random campaign (markets with room or none, ties in score, unscored fans, a market outside the run),
    # and the serial dictatorship's window as shipped or as small as 5 fans (many windows, fills inside them)
    monkeypatch.setattr(columnar, "WINDOW", window)
    rng = random.Random(trial)
    candidates, capacity, columns, markets = _campaign(rng)
    for params in MODES:
        # when both allocations run
        expected = allocate(candidates, capacity, params)
        found = allocate_columns(columns, np.array(list(capacity.values()), dtype=np.int64), params)
        # then the same fans are selected in each market, in the same order, with the same ranks and positions
        entry_ids = columns.entry_id[found.order]
        _assert_same_markets(found, expected, entry_ids, markets, params)
        # and the same fans are waitlisted, with their best-ranked market of the run
        waitlisted = [
            (int(entry_ids[p]), markets[m], int(r), int(p))
            for p, m, r in zip(found.waitlisted_position, found.waitlisted_market, found.waitlisted_rank, strict=True)
        ]
        assert waitlisted == list(expected.waitlisted_fans()), params
        assert found.totals == expected.totals, params


def _shared(rng: random.Random, markets: list) -> SharedCodes:
    """Scarce shared codes: each market's own few, and one or two shared sources (some markets draw from both)."""
    supply = {"unpinned:tm": rng.randint(0, 12), "unpinned:external": rng.randint(0, 4)}
    if len(markets) > 2:
        supply[f"group:tm:{markets[0]},{markets[1]}"] = rng.randint(0, 5)
    sources = {}
    for market in markets:
        keys = [key for key in supply if rng.random() < 0.7]
        sources[market] = keys or ["unpinned:tm"]
    private = {market: rng.choice([0, 0, 1, 3]) for market in markets}
    return SharedCodes(private=private, sources=sources, supply=supply)


@pytest.mark.parametrize("window", [columnar.WINDOW, 5])
@pytest.mark.parametrize("trial", range(40))
def test_columns_draw_scarce_shared_codes_exactly_as_the_readable_allocation(trial, window, monkeypatch):
    # given a random campaign whose shared codes are scarce, and a window as shipped or of 5 fans
    monkeypatch.setattr(columnar, "WINDOW", window)
    rng = random.Random(1000 + trial)
    candidates, capacity, columns, markets = _campaign(rng)
    shared = _shared(rng, markets)
    index = {market: m for m, market in enumerate(markets)}
    by_index = SharedCodes(
        private={index[m]: n for m, n in shared.private.items()},
        sources={index[m]: keys for m, keys in shared.sources.items()},
        supply=shared.supply,
    )
    for params in [mode for mode in MODES if mode.single_market]:
        # when both allocations run, drawing the shared codes during the serial dictatorship
        expected = allocate(candidates, capacity, params, shared=shared)
        found = allocate_columns(columns, np.array(list(capacity.values()), dtype=np.int64), params, shared=by_index)
        # then the same fans are placed in the same markets, in the same order, drawing the same codes
        entry_ids = columns.entry_id[found.order]
        _assert_same_markets(found, expected, entry_ids, markets, params)
        assert [found.draws[m] for m in range(len(markets))] == [expected.draws[market] for market in markets], params
        assert found.totals == expected.totals, params
        # and no source gives more codes than it holds, no market more than its own
        drawn: dict = {}
        for market, draws in expected.draws.items():
            assert draws.get("own", 0) <= shared.private[market]
            for key, count in draws.items():
                drawn[key] = drawn.get(key, 0) + count
        assert all(drawn.get(key, 0) <= supply for key, supply in shared.supply.items())
