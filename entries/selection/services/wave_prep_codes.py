"""Codes of a wave prep run (decisions.md "Selection", split allocation; docs/selection.md "Codes").

``code_pools`` reads the available code ids once per type (arrays, oldest upload first) and works out each
market's capacity without reserving anything; ``pick_codes`` then takes exactly the selected fans' codes,
markets served in market order (pinned → concurrent split-allocation group → unpinned), and
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


def code_pools(wave_prep, plan: dict, wanted: dict) -> tuple[dict, dict]:
    """Each market's capacity and the available code pools: ``({market_id: int}, {code_type: Pool})``.

    ``wanted``: the candidates per market. A market can take ``min(limit, wanted)`` fans (no limit:
    ``wanted``), bounded by the codes it can draw — per code type in order, codes pinned to it, then to its
    concurrent split-allocation group, then unpinned codes, markets served in market order. Nothing is reserved.
    """
    need = {
        market_id: wanted[market_id] if detail["limit"] is None else min(int(detail["limit"]), wanted[market_id])
        for market_id, detail in plan.items()
    }
    expiry = timezone.now() - timedelta(seconds=RESERVATION_SECONDS)
    types = list(dict.fromkeys(code_type for detail in plan.values() for code_type in detail["codeTypes"]))
    total = sum(need.values())
    pools = {code_type: _available(wave_prep, code_type, list(plan), total, expiry) for code_type in types}
    trial = pick_codes(plan, {code_type: pool.fresh() for code_type, pool in pools.items()}, need)
    return {market_id: trial.count(market_id) for market_id in plan}, pools


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
            f"SELECT q.id::int8, (array_position(%s::varchar[], q.market_id::varchar) - 1)::int2 FROM ({sql}) q",
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
        return read_columns(f"SELECT q.id::int8 FROM ({sql}) q", params, [("id", "int8")])["id"]
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
