"""Codes of a wave prep run (decisions.md "Selection", split allocation; docs/selection.md "Codes").

``code_pools`` reads the available code ids once per type (arrays, oldest upload first) and works out each
market's capacity without reserving anything; ``pick_codes`` then takes exactly the selected fans' codes,
markets served in market order (pinned → concurrent split-allocation group → unpinned). In a ``singleMarket``
run whose shared codes are too few for every market's need, ``code_pools`` hands the allocation the codes to
draw during the serial dictatorship instead (``SharedCodes``), and ``pick_drawn`` takes what each market drew;
on PostgreSQL one set-based statement reserves them and writes the outcome rows with the code texts it returns
(``wave_prep._write_allocations``): code texts never travel through Python. ``reserve_picked`` is the
portable reservation (SQLite).
"""

from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from codes.models import RESERVATION_SECONDS, Code
from entries.selection.allocation import PRIVATE, SharedCodes
from monoql.pgcopy import read_columns


@dataclass
class Pool:
    """The available codes of one type: ``pinned[market_id]`` and ``unpinned`` id arrays, oldest first, and
    how far each was taken (``taken``: source key → count)."""

    pinned: dict
    unpinned: np.ndarray
    taken: dict = field(default_factory=dict)

    def source(self, market_id: str | None) -> np.ndarray:
        """The codes pinned to ``market_id`` (None: the unpinned ones)."""
        if market_id is None:
            return self.unpinned
        return self.pinned.get(market_id, _NO_CODES)

    def take(self, market_id: str | None, count: int) -> np.ndarray:
        """The next ``count`` (at most) codes of a source; they are gone from it."""
        codes = self.source(market_id)
        start = self.taken.get(market_id, 0)
        picked = codes[start : start + count]
        self.taken[market_id] = start + len(picked)
        return picked

    def fresh(self) -> "Pool":
        """The same pool with nothing taken (the capacity trial and the real pick use one read)."""
        return Pool(self.pinned, self.unpinned)


_NO_CODES = np.zeros(0, dtype=np.int64)


@dataclass
class Picked:
    """The codes a run takes: per market, in selection order, their ``ids`` (int64 arrays)."""

    ids: dict

    def count(self, market_id: str) -> int:
        """How many codes the market takes."""
        return len(self.ids[market_id])


def code_pools(
    wave_prep, plan: dict, wanted: dict, *, single_market: bool = False
) -> tuple[dict, dict, SharedCodes | None]:
    """Each market's capacity, the available code pools and, when shared codes must be drawn during the
    allocation, how: ``({market_id: int}, {code_type: Pool}, SharedCodes | None)``.

    ``wanted``: the candidates per market. A market can take ``min(limit, wanted)`` fans (no limit:
    ``wanted``), bounded by the codes it can draw — per code type in order, codes pinned to it, then to its
    concurrent split-allocation group, then unpinned codes, markets served in market order. Nothing is reserved.
    With ``single_market``, when some shared source (unpinned codes of a type, a group's pinned codes) holds
    fewer codes than the markets drawing from it could need, sharing them out in market order would give a
    market's codes to fans who ranked another market higher: the capacity is then the places alone (bounded
    by every code the market could draw) and ``SharedCodes`` says what the dictatorship draws from.
    """
    need = {
        market_id: wanted[market_id] if detail["limit"] is None else min(int(detail["limit"]), wanted[market_id])
        for market_id, detail in plan.items()
    }
    expiry = timezone.now() - timedelta(seconds=RESERVATION_SECONDS)
    types = list(dict.fromkeys(code_type for detail in plan.values() for code_type in detail["codeTypes"]))
    total = sum(need.values())
    pools = {code_type: _available(wave_prep, code_type, list(plan), total, expiry) for code_type in types}
    shared = shared_codes(plan, pools, need) if single_market else None
    if shared is not None:
        capacity = {
            market_id: min(need[market_id], shared.private[market_id] + sum(shared.supply[s] for s in sources))
            for market_id, sources in shared.sources.items()
        }
        return capacity, pools, shared
    trial = pick_codes(plan, {code_type: pool.fresh() for code_type, pool in pools.items()}, need)
    return {market_id: trial.count(market_id) for market_id in plan}, pools, None


def _group(market_id: str, detail: dict) -> tuple:
    """The concurrent split-allocation group of a market (its members, sorted), or () when it has none."""
    return tuple(sorted([market_id, *detail["pool"]])) if detail["pool"] else ()


def shared_codes(plan: dict, pools: dict, need: dict) -> SharedCodes | None:
    """The codes a ``singleMarket`` dictatorship draws, or None when no shared source is scarce.

    A market outside a concurrent group draws its own pinned codes (every code type of its plan) first, then the
    unpinned codes of each type; a market of a concurrent group draws from the group's pinned codes of each type
    (shared by the group), then the unpinned ones. A source is scarce when it holds fewer codes than the markets
    drawing from it need beyond their own codes; with none scarce, market order gives every market its need and
    the allocation runs as before.
    """
    private: dict[str, int] = {}
    sources: dict[str, list[str]] = {}
    supply: dict[str, int] = {}
    for market_id, detail in plan.items():
        group = _group(market_id, detail)
        types = detail["codeTypes"]
        private[market_id] = 0 if group else sum(len(pools[t].source(market_id)) for t in types)
        sources[market_id] = []
        for code_type in types:
            if group:
                key = f"group:{code_type}:{','.join(group)}"
                supply[key] = sum(len(pools[code_type].source(member)) for member in group)
                sources[market_id].append(key)
            key = f"unpinned:{code_type}"
            supply[key] = len(pools[code_type].unpinned)
            sources[market_id].append(key)
    demand = dict.fromkeys(supply, 0)
    for market_id, keys in sources.items():
        for key in keys:
            demand[key] += max(0, need[market_id] - private[market_id])
    if all(supply[key] >= demand[key] for key in supply):
        return None
    return SharedCodes(private=private, sources=sources, supply=supply)


def pick_drawn(plan: dict, pools: dict, shared: SharedCodes, draws: dict) -> Picked:
    """Take the codes each market drew in the dictatorship (``draws[market_id]``: ``{PRIVATE or source: n}``),
    in the order it drew them: its own pinned codes (code types in plan order), then each shared source."""
    ids = {}
    for market_id, detail in plan.items():
        drawn = draws.get(market_id, {})
        parts = []
        remaining = drawn.get(PRIVATE, 0)
        for code_type in detail["codeTypes"]:
            picked = pools[code_type].take(market_id, remaining)
            remaining -= len(picked)
            parts.append(picked)
        for key in shared.sources[market_id]:
            remaining = drawn.get(key, 0)
            kind, code_type, *group = key.split(":")
            members = group[0].split(",") if kind == "group" else [None]
            for member in members:
                if remaining <= 0:
                    break
                picked = pools[code_type].take(member, remaining)
                remaining -= len(picked)
                parts.append(picked)
        ids[market_id] = np.concatenate(parts) if parts else _NO_CODES
    return Picked(ids)


def pick_codes(plan: dict, pools: dict, need: dict) -> Picked:
    """Take ``need[market]`` codes per market from ``pools`` (consumed), in market order and pool order."""
    ids = {}
    for market_id, detail in plan.items():
        parts = []
        remaining = need[market_id]
        for code_type in detail["codeTypes"]:
            pool = pools[code_type]
            for source in [market_id, *detail["pool"], None]:
                if remaining <= 0:
                    break
                picked = pool.take(source, remaining)
                remaining -= len(picked)
                parts.append(picked)
        ids[market_id] = np.concatenate(parts) if parts else _NO_CODES
    return Picked(ids)


def _available(wave_prep, code_type, market_ids, unpinned_limit, expiry) -> Pool:
    """Available codes of a type, oldest first (ids only): those pinned to the run's markets, and at most
    ``unpinned_limit`` unpinned ones."""
    rows = (
        Code.objects.filter(campaign_id=wave_prep.campaign_id, type=code_type, date_assigned__isnull=True)
        .filter(Q(date_reserved__isnull=True) | Q(date_reserved__lte=expiry))
        .order_by("date_saved", "id")
    )
    pinned: dict = {}
    if market_ids:
        ids, markets = _pinned(rows.filter(market_id__in=market_ids), market_ids)
        pinned = {market_ids[m]: ids[markets == m] for m in np.unique(markets)}
    unpinned = _ids(rows.filter(market_id__isnull=True)[:unpinned_limit]) if unpinned_limit > 0 else _NO_CODES
    return Pool(pinned, unpinned)


def _pinned(rows, market_ids: list) -> tuple[np.ndarray, np.ndarray]:
    """The pinned codes' ids and their market's index in ``market_ids``."""
    if connection.vendor == "postgresql":
        sql, params = rows.values_list("id", "market_id").query.sql_with_params()
        read = read_columns(
            f"SELECT q.id::int8, (array_position(%s::varchar[], q.market_id::varchar) - 1)::int2 FROM ({sql}) q",  # noqa: S608 - Django's own queryset SQL; values are parameters
            [list(market_ids), *params],
            [("id", "int8"), ("market", "int2")],
        )
        return read["id"], read["market"]
    index = {market_id: i for i, market_id in enumerate(market_ids)}
    listed = list(rows.values_list("id", "market_id"))
    return (
        np.array([pk for pk, _ in listed], dtype=np.int64),
        np.array([index[m] for _, m in listed], dtype=np.int16),
    )


def _ids(rows) -> np.ndarray:
    """The codes' ids, in the rows' order."""
    if connection.vendor == "postgresql":
        sql, params = rows.values_list("id").query.sql_with_params()
        return read_columns(f"SELECT q.id::int8 FROM ({sql}) q", params, [("id", "int8")])["id"]  # noqa: S608 - Django's own queryset SQL; values are parameters
    return np.array(list(rows.values_list("id", flat=True)), dtype=np.int64)


def reserve_picked(wave_prep, picked: Picked, plan: dict) -> int:
    """Reserve every picked code for the run (``reserve_id``), outside PostgreSQL; returns how many. (On
    PostgreSQL the statement writing the selected fans' outcome rows reserves their codes: ``wave_prep``.)

    Raises RuntimeError when another reserver took one of them since the pools were read (the attempt rolls
    back and is retried); nothing is ever reserved twice.
    """
    now = timezone.now()
    expiry = now - timedelta(seconds=RESERVATION_SECONDS)
    wanted = sum(picked.count(market_id) for market_id in plan)
    ids = [pk for market_id in plan for pk in picked.ids[market_id].tolist()]
    taken = 0
    for start in range(0, len(ids), 500):
        rows = Code.objects.filter(pk__in=ids[start : start + 500], date_assigned__isnull=True).filter(
            Q(date_reserved__isnull=True) | Q(date_reserved__lte=expiry)
        )
        available = list(rows.values_list("id", flat=True))
        taken += Code.objects.filter(pk__in=available).update(date_reserved=now, reserve_id=wave_prep.reserve_id)
    if taken < wanted:
        raise RuntimeError(f"{wanted - taken} codes were reserved by someone else during the wave prep.")
    return taken


def by_index(shared: SharedCodes, index: dict) -> SharedCodes:
    """``shared`` keyed by the markets' indices in the run's market order (the columnar allocation's keys)."""
    return SharedCodes(
        private={index[market_id]: count for market_id, count in shared.private.items()},
        sources={index[market_id]: keys for market_id, keys in shared.sources.items()},
        supply=shared.supply,
    )
