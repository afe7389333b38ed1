"""The selection algorithm on generated campaigns (decisions.md "Selection"; hypothesis draws them):
capacity, uniqueness, single-market, determinism, priority, and serial dictatorship against an independent
oracle (the ``matching`` package's resident-optimal hospital/resident solver, which equals serial
dictatorship when every market ranks fans in the same priority order). Plus a chi-square fairness test
of the lottery."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident
from scipy.stats import chisquare

from entries.selection.allocation import PRIVATE, Params, SharedCodes, allocate, priority_order


@st.composite
def campaigns(draw, max_fans=40):
    markets = [f"m{n}" for n in range(draw(st.integers(1, 5)))]
    capacity = {market: draw(st.integers(0, 8)) for market in markets}
    extra = ["outside"]  # a market some fans chose that is not part of the run
    fans = []
    for entry_id in draw(st.lists(st.integers(1, 10_000), max_size=max_fans, unique=True)):
        ranked = draw(st.lists(st.sampled_from(markets + extra), min_size=1, max_size=4, unique=True))
        score = draw(st.one_of(st.none(), st.sampled_from([0.1, 0.5, 0.5, 0.8, 0.95, 1.0])))
        random_score = draw(st.sampled_from([0.25, 0.5, 0.75]))
        fans.append((entry_id, tuple(ranked), score, random_score))
    params = Params(
        single_market=draw(st.booleans()),
        order_by_preference=draw(st.booleans()),
        random_selection=draw(st.booleans()),
        seed=draw(st.integers(0, 2**63 - 1)),
    )
    return fans, capacity, params


def _pairs(result):
    return {(entry_id, market) for market, rows in result.selected.items() for entry_id, _, _ in rows}


@settings(max_examples=300, deadline=None)
@given(campaigns())
def test_allocation_respects_capacity_uniqueness_and_single_market(campaign):
    # given a generated campaign
    fans, capacity, params = campaign
    wanted = {entry_id: set(ranked) for entry_id, ranked, _, _ in fans}

    # when allocating
    result = allocate(fans, capacity, params)

    # then no market is over capacity, no fan is twice in a market, fans only get markets they chose
    for market, rows in result.selected.items():
        assert len(rows) <= capacity[market]
        entry_ids = [entry_id for entry_id, _, _ in rows]
        assert len(entry_ids) == len(set(entry_ids))
        assert all(market in wanted[entry_id] for entry_id in entry_ids)
    # and with singleMarket a fan is selected at most once
    fans_selected = [entry_id for entry_id, _ in _pairs(result)]
    if params.single_market:
        assert len(fans_selected) == len(set(fans_selected))
    # and counts add up: eligible = selected + waitlisted (+ selected elsewhere with singleMarket)
    for market in capacity:
        counts = result.counts[market]
        listing = sum(1 for ranked in wanted.values() if market in ranked)
        assert counts["eligible"] == listing
        assert counts["selected"] == len(result.selected[market])
        if not params.single_market:
            assert counts["selected"] + counts["waitlisted"] == listing
        else:
            assert counts["selected"] + counts["waitlisted"] <= listing
    waitlisted = list(result.waitlisted())
    assert {(e, m) for e, m, _, _ in waitlisted}.isdisjoint(_pairs(result))
    # and the fans selected nowhere are listed once each, with their best-ranked market of the run
    nowhere = [
        (entry_id, next(m for m in ranked if m in capacity))
        for entry_id, ranked, _, _ in priority_order(fans, params)
        if entry_id not in set(fans_selected) and any(m in capacity for m in ranked)
    ]
    assert [(e, m) for e, m, _, _ in result.waitlisted_fans()] == nowhere


@settings(max_examples=200, deadline=None)
@given(campaigns(), st.randoms(use_true_random=False))
def test_same_seed_and_inputs_give_the_same_result_in_any_input_order(campaign, rnd):
    # given the same campaign in two input orders
    fans, capacity, params = campaign
    shuffled = list(fans)
    rnd.shuffle(shuffled)

    # when allocating both
    first, second = allocate(fans, capacity, params), allocate(shuffled, capacity, params)

    # then the results are identical
    assert first.selected == second.selected
    assert list(first.waitlisted()) == list(second.waitlisted())


@settings(max_examples=200, deadline=None)
@given(campaigns())
def test_a_waitlisted_fan_only_ever_lost_to_higher_priority_in_a_full_market(campaign):
    # given a campaign allocated market by market (not single-market, not by preference)
    fans, capacity, params = campaign
    params = Params(random_selection=params.random_selection, seed=params.seed)
    result = allocate(fans, capacity, params)

    # then for each waitlisted (fan, market) the market is full of fans placed before them
    positions = {entry_id: position for position, (entry_id, *_rest) in enumerate(result.order)}
    for entry_id, market, _, _ in result.waitlisted():
        rows = result.selected[market]
        assert len(rows) == capacity[market]
        assert all(positions[other] < positions[entry_id] for other, _, _ in rows)


def _oracle_serial_dictatorship(fans, capacity, params):
    order = [entry_id for entry_id, *_ in priority_order(fans, params)]
    resident_prefs = {}
    for entry_id, ranked, _, _ in fans:
        prefs = [market for market in ranked if capacity.get(market, 0) > 0]
        if prefs:
            resident_prefs[entry_id] = prefs
    hospital_prefs = {
        market: [entry_id for entry_id in order if market in resident_prefs.get(entry_id, [])]
        for market in capacity
        if capacity[market] > 0
    }
    hospital_prefs = {market: prefs for market, prefs in hospital_prefs.items() if prefs}
    resident_prefs = {
        entry_id: [market for market in prefs if market in hospital_prefs] for entry_id, prefs in resident_prefs.items()
    }
    if not hospital_prefs:
        return set()
    game = HospitalResident.create_from_dictionaries(
        resident_prefs, hospital_prefs, {market: capacity[market] for market in hospital_prefs}
    )
    matching = game.solve(optimal="resident")
    return {(resident.name, hospital.name) for hospital, residents in matching.items() for resident in residents}


@settings(max_examples=150, deadline=None)
@given(campaigns(max_fans=25))
def test_single_market_score_order_equals_serial_dictatorship_oracle(campaign):
    # given a single-market run in score order
    fans, capacity, params = campaign
    params = Params(single_market=True, seed=params.seed)

    # when allocating
    result = allocate(fans, capacity, params)

    # then it equals the resident-optimal stable matching under a common priority (serial dictatorship)
    assert _pairs(result) == _oracle_serial_dictatorship(fans, capacity, params)


def test_lottery_gives_every_eligible_fan_equal_chances():
    # given 12 fans with very different scores competing for 3 places in one market
    fans = [(entry_id, ("m",), entry_id / 12, random.Random(entry_id).random()) for entry_id in range(1, 13)]
    repetitions, places = 2000, 3
    wins = dict.fromkeys(range(1, 13), 0)

    # when 2,000 lottery runs with different seeds select
    for seed in range(repetitions):
        result = allocate(fans, {"m": places}, Params(random_selection=True, seed=seed))
        for entry_id, _, _ in result.selected["m"]:
            wins[entry_id] += 1

    # then the selection frequencies are consistent with equal chances (chi-square, significance 0.001)
    expected = repetitions * places / len(fans)
    statistic, p_value = chisquare(list(wins.values()), [expected] * len(fans))
    assert sum(wins.values()) == repetitions * places
    assert p_value > 0.001, (statistic, p_value, wins)
    # and score order, by contrast, always picks the three best scores
    scored = allocate(fans, {"m": places}, Params(seed=1))
    assert [entry_id for entry_id, _, _ in scored.selected["m"]] == [12, 11, 10]


@st.composite
def scarce_campaigns(draw):
    """Single-market campaigns whose shared codes are too few: each market its own few codes, shared sources."""
    fans, capacity, params = draw(campaigns())
    markets = list(capacity)
    supply = {"shared-a": draw(st.integers(0, 6)), "shared-b": draw(st.integers(0, 3))}
    sources = {m: draw(st.lists(st.sampled_from(list(supply)), min_size=1, max_size=2, unique=True)) for m in markets}
    private = {m: draw(st.integers(0, 2)) for m in markets}
    params = Params(
        order_by_preference=params.order_by_preference,
        random_selection=params.random_selection,
        seed=params.seed,
        single_market=True,
    )
    return fans, capacity, params, SharedCodes(private=private, sources=sources, supply=supply)


@settings(max_examples=300, deadline=None)
@given(scarce_campaigns())
def test_scarce_shared_codes_follow_the_fans_preferences(campaign):
    # given a single-market campaign whose shared codes are scarce
    fans, capacity, params, shared = campaign
    # when allocating, the codes drawn during the serial dictatorship
    result = allocate(fans, capacity, params, shared=shared)
    # then no market is over its places or its codes, no source gives more than it holds, a fan is placed once
    drawn = dict.fromkeys(shared.supply, 0)
    for market, rows in result.selected.items():
        draws = result.draws[market]
        assert len(rows) <= capacity[market]
        assert sum(draws.values()) == len(rows)
        assert draws.get(PRIVATE, 0) <= shared.private[market]
        for key, count in draws.items():
            if key != PRIVATE:
                assert key in shared.sources[market]
                drawn[key] += count
    assert all(drawn[key] <= shared.supply[key] for key in drawn)
    placed = [entry_id for entry_id, _ in _pairs(result)]
    assert len(placed) == len(set(placed))

    # and no fan is placed below (or left out of) a market they ranked higher that still had a place and a code
    # when their turn came: a market only ever closes, so one still open at the end, or one a later fan got into
    # in the same pass, was open then
    def still_open(market):
        left = capacity[market] - len(result.selected[market])
        own = shared.private[market] - result.draws[market].get(PRIVATE, 0)
        return left > 0 and (own > 0 or any(shared.supply[k] - drawn[k] > 0 for k in shared.sources[market]))

    where = {
        entry_id: (market, rank, position)
        for market, rows in result.selected.items()
        for entry_id, rank, position in rows
    }
    for position, (entry_id, ranked, _, _) in enumerate(result.order):
        got = where.get(entry_id)
        higher = ranked[: got[1]] if got else ranked
        for market in higher:
            if market not in capacity:
                continue
            assert not still_open(market), (entry_id, market)
            if not params.order_by_preference:
                later = [p for _, _, p in result.selected[market] if p > position]
                assert later == [], (entry_id, market, later)


def test_two_fans_ranking_the_second_market_first_both_get_it_when_shared_codes_are_scarce():
    # given markets A then B, two shared codes, and two fans who rank B first and A second
    fans = [(1, ("A", "B"), 0.9, 0.5), (2, ("B", "A"), 0.8, 0.5), (3, ("B", "A"), 0.7, 0.5)][1:]
    shared = SharedCodes(
        private={"A": 0, "B": 0}, sources={"A": ["unpinned"], "B": ["unpinned"]}, supply={"unpinned": 2}
    )
    # when a single-market allocation draws the codes during the serial dictatorship
    result = allocate(fans, {"A": 2, "B": 2}, Params(single_market=True), shared=shared)
    # then both are placed in B, their first choice
    assert result.selected == {"A": [], "B": [(2, 0, 0), (3, 0, 1)]}
    assert result.draws == {"A": {}, "B": {"unpinned": 2}}
