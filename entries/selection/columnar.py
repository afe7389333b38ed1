"""The selection algorithm on columns (issue 25): the same decisions as ``entries.selection.allocation``, made on
numpy arrays so that a wave prep of 3.5 million entries holds a few bytes per entry instead of a Python
tuple, and selects a market's fans with array operations instead of one Python step per fan.

``allocation.allocate`` stays the readable statement of the rules (and the oracle the property tests compare
this module against); ``allocate_columns`` is what the wave prep runs. Same inputs, same parameters, same seed:
the same fans in the same markets, in the same selection order, with the same positions and counts.

Columns: ``entry_id`` (int64), ``ranked`` (int16, one row per candidate and one column per preference rank:
the market's index in the run's market order, −1 for no market or a market outside the run; a market's rank
is its column, so a market outside the run keeps the ranks of the others), ``score`` (float64, NaN when
unscored) and ``random_score`` (float64).
"""

from dataclasses import dataclass

import numpy as np

from entries.models import PREFERENCE_RANKS
from entries.selection.allocation import PRIVATE, Params, SharedCodes, lottery_key

#: Preference ranks a fan may give (``entries.models.PREFERENCE_RANKS``).
RANKS = PREFERENCE_RANKS


@dataclass
class Columns:
    """Candidates as columns (see the module docstring); ``len(entry_id)`` candidates."""

    entry_id: np.ndarray
    ranked: np.ndarray
    score: np.ndarray
    random_score: np.ndarray

    def __len__(self) -> int:
        return len(self.entry_id)

    def take(self, order: np.ndarray) -> "Columns":
        """The same candidates in ``order`` (an index array over them)."""
        return Columns(
            entry_id=self.entry_id[order],
            ranked=self.ranked[order],
            score=self.score[order],
            random_score=self.random_score[order],
        )


@dataclass
class ColumnResult:
    """What ``allocate_columns`` decided, as arrays.

    ``order``: candidate indices in priority order (a candidate's position is its index here).
    Selected (fan, market) pairs, grouped by market in the run's market order and, inside a market, in
    selection order: ``selected_market`` (market index), ``selected_position``, ``selected_rank``;
    ``selected_offsets[m]:selected_offsets[m + 1]`` is market ``m``'s slice.
    ``waitlisted_position`` / ``waitlisted_market`` / ``waitlisted_rank``: the fans selected nowhere, once
    each in priority order, with their best-ranked market of the run.
    ``counts``: ``{"eligible", "selected", "waitlisted"}`` arrays per market; ``totals``: distinct fans.
    ``draws``: ``{market index: {PRIVATE or source: codes drawn}}`` when the run drew shared codes, else None.
    """

    order: np.ndarray
    selected_market: np.ndarray
    selected_position: np.ndarray
    selected_rank: np.ndarray
    selected_offsets: np.ndarray
    waitlisted_position: np.ndarray
    waitlisted_market: np.ndarray
    waitlisted_rank: np.ndarray
    counts: dict
    totals: dict
    draws: dict | None = None

    def selected_count(self, market: int) -> int:
        """How many fans market ``market`` selected."""
        return int(self.selected_offsets[market + 1] - self.selected_offsets[market])


def lottery_keys(seed: int, entry_ids: np.ndarray) -> np.ndarray:
    """``allocation.lottery_key(seed, id)`` of every entry id, as uint64 (one BLAKE2b per entry, ~1 µs)."""
    return np.fromiter(
        (lottery_key(seed, int(entry_id)) for entry_id in entry_ids), dtype=np.uint64, count=len(entry_ids)
    )


def priority(columns: Columns, params: Params, *, presorted: bool) -> np.ndarray:
    """Candidate indices in the run's priority order (``allocation.priority_order``)."""
    n = len(columns)
    if params.random_selection:
        return np.lexsort((columns.entry_id, lottery_keys(params.seed, columns.entry_id)))
    if presorted:
        return np.arange(n, dtype=np.int64)
    return score_order(columns)


def score_order(columns: Columns) -> np.ndarray:
    """Candidate indices in score order, as PostgreSQL's ``ORDER BY score DESC NULLS LAST, random_score DESC, id``
    (``allocation.priority_order``): score descending, unscored (NaN) last, then random score descending, then
    entry id. Entry ids are unique, so the order is total."""
    return np.lexsort(
        (columns.entry_id, -columns.random_score, np.where(np.isnan(columns.score), np.inf, -columns.score))
    )


def _take_in_groups(market: np.ndarray, left: np.ndarray) -> np.ndarray:
    """For pairs already sorted by market and then by the order a market takes them, a mask of the pairs
    within each market's first ``left[market]``."""
    if len(market) == 0:
        return np.zeros(0, dtype=bool)
    starts = np.flatnonzero(np.r_[True, market[1:] != market[:-1]])
    index = np.int32 if len(market) < 2**31 else np.int64
    group_start = np.repeat(starts.astype(index), np.diff(np.r_[starts, len(market)]))
    return (np.arange(len(market), dtype=index) - group_start) < left[market]


def _per_market_pairs(ranked: np.ndarray, left: np.ndarray, *, by_rank: bool):
    """Every market takes its candidates independently (a fan may be selected in several markets).

    The (fan, market) pairs are built rank by rank in narrow integers (positions int32, ranks int8, markets int16:
    at Eras scale 10 million pairs, a few bytes each instead of three int64 arrays from ``np.nonzero``)."""
    index = np.int32 if len(ranked) < 2**31 else np.int64
    positions_by_rank, ranks_by_rank, markets_by_rank = [], [], []
    for rank in range(ranked.shape[1]):
        listed = np.flatnonzero(ranked[:, rank] >= 0).astype(index)
        positions_by_rank.append(listed)
        ranks_by_rank.append(np.full(len(listed), rank, dtype=np.int8))
        markets_by_rank.append(ranked[listed, rank])
    positions = np.concatenate(positions_by_rank)
    ranks = np.concatenate(ranks_by_rank)
    markets = np.concatenate(markets_by_rank)
    del positions_by_rank, ranks_by_rank, markets_by_rank
    keys = (positions, ranks, markets) if by_rank else (positions, markets)
    order = np.lexsort(keys)
    markets, positions, ranks = markets[order], positions[order], ranks[order]
    del order
    keep = _take_in_groups(markets, left)
    return markets[keep].astype(np.int64), positions[keep].astype(np.int64), ranks[keep].astype(np.int64)


def _one_market_by_rank(ranked: np.ndarray, left: np.ndarray):
    """Rounds by rank: every unselected fan's rank-r market, in priority order, while it has places."""
    left = left.copy()
    taken = np.zeros(len(ranked), dtype=bool)
    parts = []
    for rank in range(ranked.shape[1]):
        positions = np.flatnonzero(~taken & (ranked[:, rank] >= 0))
        markets = ranked[positions, rank].astype(np.int64)
        order = np.argsort(markets, kind="stable")
        markets, positions = markets[order], positions[order]
        keep = _take_in_groups(markets, left)
        markets, positions = markets[keep], positions[keep]
        taken[positions] = True
        left -= np.bincount(markets, minlength=len(left))
        parts.append((markets, positions, np.full(len(positions), rank, dtype=np.int64)))
    markets = np.concatenate([p[0] for p in parts])
    positions = np.concatenate([p[1] for p in parts])
    ranks = np.concatenate([p[2] for p in parts])
    order = np.lexsort((positions, ranks, markets))  # a market's fans: by the round (rank), then priority
    return markets[order], positions[order], ranks[order]


#: Fans examined per pass of the serial dictatorship (a window of the priority order).
WINDOW = 65_536


def _serial_dictatorship(ranked: np.ndarray, left: np.ndarray):
    """Fans in priority order each take their best-ranked market with places left.

    Done by segments instead of fan by fan: with the set of open markets fixed, every fan's choice is their
    best-ranked open market; the first market to fill ends the segment — up to that fan every choice stands,
    since no market closed before it. The next segment starts after that fan, with that market closed. Each
    pass looks at a window of ``WINDOW`` fans (a window where no market fills is a segment of its own), so the
    run costs (markets + fans / WINDOW) passes over at most ``WINDOW`` fans.
    """
    n = len(ranked)
    left = left.copy()
    choice_of = np.full(n, -1, dtype=np.int64)
    rank_of = np.full(n, -1, dtype=np.int64)
    rows = np.arange(min(n, WINDOW))
    start = 0
    while start < n and (left > 0).any():
        part = ranked[start : start + WINDOW]
        is_open = (part >= 0) & (left[np.where(part >= 0, part, 0)] > 0)
        has = is_open.any(axis=1)
        first = is_open.argmax(axis=1)
        choice = np.where(has, part[rows[: len(part)], first], -1).astype(np.int64)
        chosen = np.flatnonzero(choice >= 0)
        by_market = np.argsort(choice[chosen], kind="stable")
        markets, places = choice[chosen][by_market], chosen[by_market]
        counts = np.bincount(markets, minlength=len(left))
        fills = np.flatnonzero((counts >= left) & (left > 0))
        if len(fills) == 0:
            end = len(part)
        else:
            offsets = np.cumsum(counts) - counts
            end = int(min(places[offsets[m] + left[m] - 1] for m in fills)) + 1
        segment = choice[:end]
        choice_of[start : start + end] = segment
        rank_of[start : start + end] = np.where(segment >= 0, first[:end], -1)
        left -= np.bincount(segment[segment >= 0], minlength=len(left))
        start += end
    positions = np.flatnonzero(choice_of >= 0)
    markets = choice_of[positions]
    order = np.argsort(markets, kind="stable")  # a market's fans in priority order
    return markets[order], positions[order], rank_of[positions][order]


def _drawing_dictatorship(ranked: np.ndarray, left: np.ndarray, shared: SharedCodes, *, by_rank: bool):
    """``allocation._select_drawing`` on the ranked columns (market indices): the serial dictatorship drawing scarce
    shared codes as it goes. Fans are walked in windows of ``WINDOW`` rows as plain ints, and the walk stops as
    soon as no market can take anyone: shared codes are scarce here, so that comes early in a big run."""
    size = len(left)
    room = [int(value) for value in left]
    private = [int(shared.private.get(m, 0)) for m in range(size)]
    supply = dict(shared.supply)
    sources = [list(shared.sources.get(m, ())) for m in range(size)]
    draws: dict = {m: {} for m in range(size)}
    chosen: list[list[tuple[int, int]]] = [[] for _ in range(size)]  # per market: (position, rank)
    taken = np.zeros(len(ranked), dtype=bool)

    def is_open(m: int) -> bool:
        return room[m] > 0 and (private[m] > 0 or any(supply[source] > 0 for source in sources[m]))

    rounds = [range(rank, rank + 1) for rank in range(ranked.shape[1])] if by_rank else [range(ranked.shape[1])]
    for ranks in rounds:
        for start in range(0, len(ranked), WINDOW):
            if not any(is_open(m) for m in range(size)):
                break
            window = ranked[start : start + WINDOW].tolist()
            for offset, row in enumerate(window):
                position = start + offset
                if taken[position]:
                    continue
                for rank in ranks:
                    market = row[rank]
                    if market < 0 or room[market] <= 0:
                        continue
                    if private[market] > 0:
                        private[market] -= 1
                        key = PRIVATE
                    else:
                        source = next((source for source in sources[market] if supply[source] > 0), None)
                        if source is None:
                            continue
                        key = source
                        supply[key] -= 1
                    room[market] -= 1
                    draws[market][key] = draws[market].get(key, 0) + 1
                    chosen[market].append((position, rank))
                    taken[position] = True
                    break
    markets = np.array([m for m in range(size) for _ in chosen[m]], dtype=np.int64)
    positions = np.array([p for m in range(size) for p, _ in chosen[m]], dtype=np.int64)
    chosen_ranks = np.array([r for m in range(size) for _, r in chosen[m]], dtype=np.int64)
    return markets, positions, chosen_ranks, draws


def allocate_columns(
    columns: Columns,
    capacity: np.ndarray,
    params: Params,
    *,
    presorted: bool = False,
    shared: SharedCodes | None = None,
) -> ColumnResult:
    """Select fans per market within capacity (``allocation.allocate``, on arrays).

    Args:
        columns: the candidates (``Columns``); market indices refer to ``capacity``.
        capacity: int64 array, one place count per market of the run, in the run's market order.
        params: ``allocation.Params``.
        presorted: the candidates already come in score order (ignored for a lottery).
        shared: with ``single_market``, scarce shared codes drawn during the dictatorship, keyed by market index
            (``capacity`` then counts places only); ignored in the other modes.
    Returns: ``ColumnResult``. Never selects more than ``capacity[m]`` fans in ``m``, never the same fan twice
    in a market, and with ``single_market`` never a fan in two markets.
    """
    order = priority(columns, params, presorted=presorted)
    ranked = columns.ranked[order]
    left = np.maximum(np.asarray(capacity, dtype=np.int64), 0)
    draws = None
    if params.single_market and shared is not None:
        markets, positions, ranks, draws = _drawing_dictatorship(
            ranked, left, shared, by_rank=params.order_by_preference
        )
    elif params.single_market and params.order_by_preference:
        markets, positions, ranks = _one_market_by_rank(ranked, left)
    elif params.single_market:
        markets, positions, ranks = _serial_dictatorship(ranked, left)
    else:
        markets, positions, ranks = _per_market_pairs(ranked, left, by_rank=params.order_by_preference)
    size = len(left)
    offsets = np.r_[0, np.cumsum(np.bincount(markets, minlength=size))].astype(np.int64)
    listed = ranked >= 0
    eligible_fan = listed.any(axis=1)
    selected_fan = np.zeros(len(order), dtype=bool)
    selected_fan[positions] = True
    eligible = np.bincount(ranked[listed].astype(np.int64), minlength=size)
    selected = np.bincount(markets, minlength=size)
    if params.single_market:
        # a fan selected in one market is not waitlisted in the others
        waiting = listed & ~selected_fan[:, None]
        waitlisted = np.bincount(ranked[waiting].astype(np.int64), minlength=size)
    else:
        waitlisted = eligible - selected
    nowhere = np.flatnonzero(eligible_fan & ~selected_fan)
    best_rank = listed[nowhere].argmax(axis=1)
    return ColumnResult(
        order=order,
        selected_market=markets,
        selected_position=positions,
        selected_rank=ranks,
        selected_offsets=offsets,
        waitlisted_position=nowhere,
        waitlisted_market=ranked[nowhere, best_rank].astype(np.int64),
        waitlisted_rank=best_rank.astype(np.int64),
        counts={"eligible": eligible, "selected": selected, "waitlisted": waitlisted},
        totals={
            "eligible": int(eligible_fan.sum()),
            "selected": int(selected_fan.sum()),
            "waitlisted": int((eligible_fan & ~selected_fan).sum()),
        },
        draws=draws,
    )
