"""The selection algorithm of a wave prep, free of the database (decisions.md "Selection", docs/selection.md).

Input: candidates (eligible fans with their ranked markets), each market's capacity, and the run's
parameters. Output: who is selected in which market (with their priority position and the rank they gave
the market), who is waitlisted, and the counts per market. The same candidates, capacities, parameters
and seed always give the same result.

Priority order:
- score order (default): ``score`` descending, ties broken by ``random_score`` descending, then entry id;
  an unscored entry (only a candidate when no score bound is given) comes after every scored one;
- ``random_selection``: a lottery — the order of ``lottery_key(seed, entry_id)``, a 64-bit BLAKE2b hash,
  so every candidate has the same chance in each run and a recorded seed reproduces the run.

Allocation:
- ``single_market``: serial dictatorship — fans in priority order each take their highest-ranked market
  with capacity left. With ``order_by_preference`` it runs in rounds by rank (every fan's first choice in
  priority order, then second choices of those still unselected, …). When codes that several markets draw
  from (shared: unpinned, or pinned to a concurrent split-allocation group) are too few for every market's
  need (``SharedCodes``), they are drawn during the dictatorship: a market is open while it has places and a
  code it can draw (its own pinned codes first, then its shared sources in order), so a shared code goes to
  the fan placed first, in their highest-ranked open market (decisions.md "Shared codes follow preferences").
- otherwise each market independently takes its candidates up to capacity, in priority order or, with
  ``order_by_preference``, by the rank the fan gave the market and then priority.
- waitlisted: a candidate of a market who is not selected there (with ``single_market``: selected nowhere).
"""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

#: The version of these rules a wave prep records (``WavePrep.algorithm_version``); a replay with an earlier run's
#: seed under another version is said to predate the change. 2: shared codes drawn during the serial dictatorship.
ALGORITHM_VERSION = "monoql-selection-2"

#: The key of a market's own (pinned) codes in ``SharedCodes`` draws.
PRIVATE = "own"


@dataclass(frozen=True)
class Params:
    """The run's switches (catalog §3.7.2) and its lottery seed (a non-negative int)."""

    single_market: bool = False
    order_by_preference: bool = False
    random_selection: bool = False
    seed: int = 0


@dataclass(frozen=True)
class SharedCodes:
    """The codes of a ``single_market`` run whose shared codes are scarce, as the dictatorship draws them.

    ``private[market]``: codes only that market draws (pinned to it), drawn first; ``sources[market]``: the
    shared sources it draws from next, in order (keys of ``supply``); ``supply[source]``: codes in each.
    """

    private: dict
    sources: dict
    supply: dict


# A candidate: (entry_id:int, markets:tuple[str|None, ...] ranked (rank 0 first), score:float|None, random_score:float)
Candidate = tuple


@dataclass
class Result:
    """What ``allocate`` decided.

    ``selected[market_id]``: ``[(entry_id, preference_rank, position)]`` in selection order.
    ``counts[market_id]``: ``{"eligible", "selected", "waitlisted"}`` (fans); ``totals``: the same over
    the campaign (distinct fans; waitlisted = selected nowhere).
    ``draws[market_id]``: ``{PRIVATE or source: codes drawn}`` when the run drew shared codes (else None).
    ``waitlisted()`` yields every waitlisted ``(entry_id, market_id, preference_rank, position)``;
    ``waitlisted_fans()`` the fans selected nowhere, once each.
    """

    order: list
    markets: list
    single_market: bool
    selected: dict = field(default_factory=dict)
    draws: dict | None = None
    counts: dict = field(default_factory=dict)
    totals: dict = field(default_factory=dict)

    def waitlisted(self) -> Iterator[tuple]:
        """Every waitlisted (fan, market): ``(entry_id, market_id, preference_rank, position)``."""
        chosen = {(entry_id, market) for market, rows in self.selected.items() for entry_id, _, _ in rows}
        chosen_fans = {entry_id for entry_id, _ in chosen}
        wanted = set(self.markets)
        for position, (entry_id, markets, _, _) in enumerate(self.order):
            if self.single_market and entry_id in chosen_fans:
                continue
            for rank, market in enumerate(markets):
                if market in wanted and (entry_id, market) not in chosen:
                    yield entry_id, market, rank, position

    def waitlisted_fans(self) -> Iterator[tuple]:
        """Fans selected in no market, once each, with their best-ranked market of the run:
        ``(entry_id, market_id, preference_rank, position)`` in priority order."""
        chosen_fans = {entry_id for rows in self.selected.values() for entry_id, _, _ in rows}
        wanted = set(self.markets)
        for position, (entry_id, markets, _, _) in enumerate(self.order):
            if entry_id in chosen_fans:
                continue
            for rank, market in enumerate(markets):
                if market in wanted:
                    yield entry_id, market, rank, position
                    break


def lottery_key(seed: int, entry_id) -> int:
    """A 64-bit number uniformly spread by ``seed`` and ``entry_id``; the lottery order sorts on it."""
    return int.from_bytes(hashlib.blake2b(f"{seed}:{entry_id}".encode(), digest_size=8).digest(), "big")


def priority_order(candidates: Iterable[Candidate], params: Params) -> list:
    """Candidates sorted into the run's priority order (see the module docstring)."""
    if params.random_selection:
        seed = params.seed
        return sorted(candidates, key=lambda c: (lottery_key(seed, c[0]), c[0]))
    return sorted(
        candidates,
        key=lambda c: (c[2] is None, -(c[2] or 0.0), -c[3], c[0]),
    )


def allocate(
    candidates: Iterable[Candidate],
    capacity: dict,
    params: Params,
    *,
    presorted: bool = False,
    shared: SharedCodes | None = None,
) -> Result:
    """Select fans per market within capacity.

    Args:
        candidates: eligible fans ``(entry_id, ranked market ids, score, random_score)``; market ids outside
            ``capacity`` (not part of the run) are skipped but keep the ranks of the others.
        capacity: ``{market_id: int >= 0}`` — the markets of the run, in the run's market order.
        params: ``Params``.
        presorted: the candidates already come in score order (the database sorted them); ignored for a
            lottery, which is always sorted here.
        shared: with ``single_market``, the codes drawn during the dictatorship (``capacity`` then counts
            places only); ignored in the other modes.
    Returns: ``Result``. Never selects more than ``capacity[m]`` fans in ``m``, never the same fan twice in
    a market, and with ``single_market`` never a fan in two markets.
    """
    if presorted and not params.random_selection:
        order = candidates if isinstance(candidates, list) else list(candidates)
    else:
        order = priority_order(candidates, params)
    markets = list(capacity)
    left = {market: max(0, int(capacity[market])) for market in markets}
    selected: dict = {market: [] for market in markets}
    taken: set = set()
    draws = None
    if shared is not None and params.single_market:
        draws = _select_drawing(order, left, selected, taken, shared, by_rank=params.order_by_preference)
    else:
        _select(
            order, left, selected, taken, one_market_per_fan=params.single_market, by_rank=params.order_by_preference
        )
    result = Result(order=order, markets=markets, single_market=params.single_market, selected=selected, draws=draws)
    _count(result, taken)
    return result


def _select(order, left, selected, taken, *, one_market_per_fan: bool, by_rank: bool):
    """Fill ``selected`` in priority order (see the module docstring).

    Without ``by_rank`` each fan in turn takes the markets they ranked while places are left — only their
    first such market when ``one_market_per_fan`` (serial dictatorship). With ``by_rank`` the same runs in
    rounds: rank 0 for every fan in priority order, then rank 1, …, so a market's candidates come ordered
    by the rank they gave it, then priority.
    """
    depth = max((len(c[1]) for c in order), default=0)
    rounds = [range(rank, rank + 1) for rank in range(depth)] if by_rank else [range(depth)]
    for ranks in rounds:
        for position, (entry_id, markets, _, _) in enumerate(order):
            if one_market_per_fan and entry_id in taken:
                continue
            for rank in ranks:
                if rank >= len(markets):
                    break
                market = markets[rank]
                if left.get(market, 0) > 0:
                    left[market] -= 1
                    selected[market].append((entry_id, rank, position))
                    taken.add(entry_id)
                    if one_market_per_fan:
                        break


def _select_drawing(order, left, selected, taken, shared: SharedCodes, *, by_rank: bool) -> dict:
    """The serial dictatorship drawing codes as it goes: a market is open while it has places and a code it can
    draw; each fan in priority order (in rounds by rank with ``by_rank``) takes their highest-ranked open market
    and its next code — the market's own first, then its shared sources in order. Returns the draws."""
    private = {market: int(shared.private.get(market, 0)) for market in left}
    supply = dict(shared.supply)
    sources = {market: list(shared.sources.get(market, ())) for market in left}
    draws: dict = {market: {} for market in left}

    def draw(market) -> str | None:
        if left[market] <= 0:
            return None
        if private[market] > 0:
            private[market] -= 1
            return PRIVATE
        for source in sources[market]:
            if supply[source] > 0:
                supply[source] -= 1
                return source
        return None

    depth = max((len(c[1]) for c in order), default=0)
    rounds = [range(rank, rank + 1) for rank in range(depth)] if by_rank else [range(depth)]
    for ranks in rounds:
        for position, (entry_id, markets, _, _) in enumerate(order):
            if entry_id in taken:
                continue
            for rank in ranks:
                if rank >= len(markets):
                    break
                market = markets[rank]
                key = draw(market) if market in left else None
                if key is not None:
                    left[market] -= 1
                    draws[market][key] = draws[market].get(key, 0) + 1
                    selected[market].append((entry_id, rank, position))
                    taken.add(entry_id)
                    break
    return draws


def _count(result: Result, taken: set) -> None:
    wanted = set(result.markets)
    eligible = dict.fromkeys(result.markets, 0)
    waitlisted = dict.fromkeys(result.markets, 0)
    chosen = {(entry_id, market) for market, rows in result.selected.items() for entry_id, _, _ in rows}
    fans_selected = {entry_id for entry_id, _ in chosen}
    fans_eligible = fans_waitlisted = 0
    for entry_id, markets, _, _ in result.order:
        listed = {market for market in markets if market in wanted}
        if not listed:
            continue
        fans_eligible += 1
        if entry_id not in fans_selected:
            fans_waitlisted += 1
        for market in listed:
            eligible[market] += 1
            if (entry_id, market) in chosen:
                continue
            if not (result.single_market and entry_id in fans_selected):
                waitlisted[market] += 1
    result.counts = {
        market: {
            "eligible": eligible[market],
            "selected": len(result.selected[market]),
            "waitlisted": waitlisted[market],
        }
        for market in result.markets
    }
    result.totals = {"eligible": fans_eligible, "selected": len(fans_selected), "waitlisted": fans_waitlisted}
