"""Codes of a wave prep run (decisions.md "Selection", split allocation; docs/selection.md "Codes").

``code_pools`` reads the available codes once per type and works out each market's capacity without
reserving anything; ``reserve_codes`` then reserves exactly the selected fans' codes, markets served in
market order (pinned → concurrent split-allocation group → unpinned, oldest upload first).
"""

from collections import deque
from datetime import timedelta

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from codes.models import RESERVATION_SECONDS, Code


def code_pools(wave_prep, plan: dict, candidates: list) -> tuple[dict, dict]:
    """Each market's capacity and the available code pools: ``({market_id: int}, pools)``.

    A market can take ``min(limit, its candidates)`` fans (no limit: its candidates), bounded by the codes
    it can draw — per code type in order, codes pinned to it, then to its concurrent split-allocation
    group, then unpinned codes, markets served in market order. Nothing is reserved here.
    """
    wanted = dict.fromkeys(plan, 0)
    for _, markets, _, _ in candidates:
        for market_id in markets:
            if market_id in wanted:
                wanted[market_id] += 1
    need = {
        market_id: wanted[market_id] if detail["limit"] is None else min(int(detail["limit"]), wanted[market_id])
        for market_id, detail in plan.items()
    }
    expiry = timezone.now() - timedelta(seconds=RESERVATION_SECONDS)
    types = list(dict.fromkeys(code_type for detail in plan.values() for code_type in detail["codeTypes"]))
    total = sum(need.values())
    pools = {code_type: _available(wave_prep, code_type, list(plan), total, expiry) for code_type in types}
    trial = {
        code_type: ({m: deque(q) for m, q in pinned.items()}, deque(free))
        for code_type, (pinned, free) in pools.items()
    }
    capacity = {market_id: len(picks) for market_id, picks in _share_codes(plan, trial, need).items()}
    return capacity, pools


def _share_codes(plan: dict, pools: dict, need: dict) -> dict:
    """Take ``need[market]`` codes per market from ``pools`` (consumed), in market order and pool order."""
    picked: dict[str, list] = {market_id: [] for market_id in plan}
    for market_id, detail in plan.items():
        for code_type in detail["codeTypes"]:
            pinned, unpinned = pools[code_type]
            for source in [pinned.get(market_id)] + [pinned.get(other) for other in detail["pool"]] + [unpinned]:
                while source and len(picked[market_id]) < need[market_id]:
                    pk, code = source.popleft()
                    picked[market_id].append((pk, code, code_type))
    return picked


def reserve_codes(wave_prep, plan: dict, pools: dict, result) -> dict:
    """Reserve exactly the codes of the selected fans: ``{market_id: [(code, code_type)]}`` in selection order.

    Raises RuntimeError when another reserver took one of them since the pools were read (the attempt is
    retried); nothing is ever reserved twice.
    """
    need = {market_id: len(result.selected[market_id]) for market_id in plan}
    picked = _share_codes(plan, pools, need)
    _mark_reserved(wave_prep, [pk for rows in picked.values() for pk, _, _ in rows])
    return {market_id: [(code, code_type) for _, code, code_type in rows] for market_id, rows in picked.items()}


def _available(wave_prep, code_type, market_ids, unpinned_limit, expiry) -> tuple[dict, deque]:
    """Available codes of a type, oldest first: ``({market_id: deque[(id, code)]}, deque[(id, code)])``."""
    rows = (
        Code.objects.filter(campaign_id=wave_prep.campaign_id, type=code_type, date_assigned__isnull=True)
        .filter(Q(date_reserved__isnull=True) | Q(date_reserved__lte=expiry))
        .order_by("date_saved", "id")
    )
    pinned: dict = {}
    for pk, code, market_id in rows.filter(market_id__in=market_ids).values_list("id", "code", "market_id"):
        pinned.setdefault(market_id, deque()).append((pk, code))
    unpinned = deque(rows.filter(market_id__isnull=True).values_list("id", "code")[:unpinned_limit])
    return pinned, unpinned


# A conditional update: a row another reserver holds is waited for and re-checked (no longer available →
# not taken), so a code is never reserved twice.
_RESERVE_SQL = """
    UPDATE codes_code SET date_reserved = %(now)s, reserve_id = %(reserve_id)s
    WHERE id = ANY(%(ids)s) AND date_assigned IS NULL AND (date_reserved IS NULL OR date_reserved <= %(expiry)s)
    RETURNING id
"""


def _mark_reserved(wave_prep, ids: list) -> set:
    """Reserve the codes ``ids`` that are still available; returns the ids actually reserved."""
    now = timezone.now()
    expiry = now - timedelta(seconds=RESERVATION_SECONDS)
    taken: set = set()
    if connection.vendor == "postgresql":
        params = {"now": now, "reserve_id": wave_prep.reserve_id, "ids": ids, "expiry": expiry}
        with connection.cursor() as cursor:
            cursor.execute(_RESERVE_SQL, params)
            taken.update(pk for (pk,) in cursor.fetchall())
    else:
        for start in range(0, len(ids), 500):
            rows = Code.objects.filter(pk__in=ids[start : start + 500], date_assigned__isnull=True).filter(
                Q(date_reserved__isnull=True) | Q(date_reserved__lte=expiry)
            )
            available = list(rows.values_list("id", flat=True))
            Code.objects.filter(pk__in=available).update(date_reserved=now, reserve_id=wave_prep.reserve_id)
            taken.update(available)
    if len(taken) < len(ids):
        # Another reserver took some of these codes after the pools were read: this attempt rolls back and
        # the retry reads the pools again.
        raise RuntimeError(f"{len(ids) - len(taken)} codes were reserved by someone else during the wave prep.")
    return taken
