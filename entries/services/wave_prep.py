"""``triggerWavePrep`` and the wave prep worker (catalog §3.7.2; decisions.md "Selection"; docs/selection.md).

``trigger_wave_prep`` records a ``WavePrep`` (TRIGGERED) with its parameters and a fresh seed and queues
``run_wave_prep``. The worker, in one transaction: drops what an earlier attempt of the same run left,
reads the candidates (eligible entries choosing a market of the run), reserves each market's codes
(capacity = the markets file's ``limit``, else ``Market.population``, bounded by the codes in the pool),
allocates (``entries.allocation``), releases the codes it did not need and writes one ``Allocation`` row
per fan and market. It then writes ``wavePrep/{campaignId}/prepped/prepped.{dateKey}.zip`` and marks the
run FINISHED. A killed or failed attempt is retried (at most 2 attempts, then FAILED); because the run's
seed and inputs are fixed and the earlier attempt's reservations are released first, the retry gives the
same result and no code is reserved twice.
"""

import csv
import hashlib
import io
import logging
import os
import re
import secrets
import tempfile
import uuid
import zipfile
from collections import deque
from datetime import timedelta

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from campaigns.models import CampaignStatus, Market, SplitAllocationType
from campaigns.selectors import campaign_or_404
from codes.models import RESERVATION_SECONDS, Code, CodeType
from entries.allocation import ALGORITHM_VERSION, Params, allocate
from entries.metrics import eligible_entries
from entries.models import Allocation, AllocationOutcome, WavePrep, WavePrepFile, WavePrepFileType, WavePrepStatus
from entries.selectors import any_rank
from monoql.errors import ValidationFailed
from monoql.keys import check_date_key
from monoql.queue import enqueue_on_commit

logger = logging.getLogger("monoql.wave_prep")

RUN_TASK = "entries.run_wave_prep"
MAX_ATTEMPTS = 2
FETCH_SIZE = 20_000
NORTH_AMERICA = re.compile(r"^\+?1")
_hooks: list = []  # test seam: callables receiving each checkpoint name (see ``checkpoint``)


def checkpoint(stage: str) -> None:
    """Mark a stage of the worker (``cleared``, ``allocated``, ``committed``); tests hook crashes here."""
    for hook in list(_hooks):
        hook(stage)


class WavePrepAttemptFailed(Exception):
    """An attempt failed and another one is allowed: the Celery task retries."""


def check_score(value, field: str):
    """``value`` when None or a number within 0–1. Raises ValidationFailed ``invalidScore`` naming ``field``."""
    if value is not None and not (isinstance(value, (int, float)) and 0.0 <= value <= 1.0):
        raise ValidationFailed(f"{field} must be a number between 0 and 1.", reason="invalidScore", field=field)
    return value


def release_reservations(wave_prep: WavePrep) -> int:
    """Release the unassigned codes still reserved by ``wave_prep``; returns how many."""
    return Code.objects.filter(
        campaign_id=wave_prep.campaign_id, reserve_id=wave_prep.reserve_id, date_assigned__isnull=True
    ).update(date_reserved=None, reserve_id=None)


def trigger_wave_prep(
    *,
    campaign_id: str,
    date_key,
    reassign: bool = False,
    order_by_preference: bool = False,
    single_market: bool = False,
    random_selection: bool = False,
    min_score: float | None = None,
    max_score: float | None = None,
    seed: int | None = None,
    actor=None,
) -> WavePrep:
    """Record a wave prep run (TRIGGERED) and queue its worker.

    Args:
        campaign_id, date_key (``^[A-Za-z0-9._-]{1,64}$``); the switches of catalog §3.7.2; min_score /
        max_score: inclusive 0–1 bounds; seed: the lottery seed (a fresh random 63-bit one when None —
        pass a recorded seed to reproduce a run); actor: the requesting Fan.
    Re-triggering a ``dateKey`` whose run has not been applied by selection replaces that run (its
    reservations are released, its outcomes dropped).
    Returns: the WavePrep row.
    Raises: NotFound ``CAMPAIGN_NOT_FOUND``; ValidationFailed ``InvalidDateKey``, ``invalidScore``
        (``minScore``/``maxScore``), ``invalidScoreRange``, ``invalidCampaignStatus`` (not CLOSED),
        ``wavePrepInProgress`` (another run of the campaign is TRIGGERED), ``wavePrepAlreadySelected``.
    """
    date_key = check_date_key(date_key)
    check_score(min_score, "minScore")
    check_score(max_score, "maxScore")
    if min_score is not None and max_score is not None and min_score > max_score:
        raise ValidationFailed("minScore must not exceed maxScore.", reason="invalidScoreRange", field="minScore")
    campaign = campaign_or_404(campaign_id)
    if campaign.status != CampaignStatus.CLOSED:
        raise ValidationFailed(
            f"Wave prep runs on a CLOSED campaign; this one is {campaign.status}.",
            reason="invalidCampaignStatus",
            field="campaignId",
        )
    params = {
        "reassign": bool(reassign),
        "orderByPreference": bool(order_by_preference),
        "singleMarket": bool(single_market),
        "randomSelection": bool(random_selection),
        "minScore": min_score,
        "maxScore": max_score,
    }
    fields = {
        "status": WavePrepStatus.TRIGGERED,
        "params": params,
        "seed": secrets.randbits(63) if seed is None else int(seed),
        "algorithm_version": ALGORITHM_VERSION,
        "input_hash": "",
        "reserve_id": uuid.uuid4(),
        "count": None,
        "error": "",
        "path": "",
        "attempts": 0,
        "requested_by": actor,
        "date_started": None,
        "date_finished": None,
    }
    try:
        with transaction.atomic():
            if WavePrep.objects.filter(campaign=campaign, status=WavePrepStatus.TRIGGERED).exists():
                raise _in_progress()
            previous = WavePrep.objects.select_for_update().filter(campaign=campaign, date_key=date_key).first()
            if previous is not None and previous.date_selected is not None:
                raise ValidationFailed(
                    f"Selection has been applied from wave prep '{date_key}'; use a new dateKey.",
                    reason="wavePrepAlreadySelected",
                    field="dateKey",
                )
            if previous is not None:
                release_reservations(previous)
                previous.allocations.all().delete()
                for name, value in fields.items():
                    setattr(previous, name, value)
                previous.save()
                wave_prep = previous
            else:
                wave_prep = WavePrep.objects.create(campaign=campaign, date_key=date_key, **fields)
            enqueue_on_commit(RUN_TASK, wave_prep.pk)
    except IntegrityError:
        raise _in_progress() from None
    return wave_prep


def _in_progress():
    return ValidationFailed(
        "A wave prep of this campaign is running; wait until it finishes.", reason="wavePrepInProgress"
    )


# --- the worker -------------------------------------------------------------------------------------


def _claim(wave_prep_id: int) -> WavePrep | None:
    with transaction.atomic():
        wave_prep = WavePrep.objects.select_for_update().filter(pk=wave_prep_id).first()
        if wave_prep is None or wave_prep.status != WavePrepStatus.TRIGGERED:
            return None
        wave_prep.attempts += 1
        wave_prep.date_started = wave_prep.date_started or timezone.now()
        if wave_prep.attempts > MAX_ATTEMPTS:
            _fail(wave_prep, wave_prep.error or f"Gave up after {MAX_ATTEMPTS} attempts.")
            return None
        wave_prep.save(update_fields=["attempts", "date_started"])
        return wave_prep


def _fail(wave_prep: WavePrep, message: str) -> None:
    release_reservations(wave_prep)
    wave_prep.allocations.all().delete()
    wave_prep.status = WavePrepStatus.FAILED
    wave_prep.error = message[:2000]
    wave_prep.date_finished = timezone.now()
    wave_prep.save(update_fields=["status", "error", "date_finished", "attempts"])


def run_wave_prep(wave_prep_id: int) -> WavePrep | None:
    """Run one attempt of a TRIGGERED wave prep (the Celery task calls this).

    Returns the WavePrep (FINISHED, or FAILED after the last attempt), or None when there was nothing to
    run (unknown id, not TRIGGERED). Raises WavePrepAttemptFailed when this attempt failed and another
    is allowed (the task retries).
    """
    wave_prep = _claim(wave_prep_id)
    if wave_prep is None:
        return WavePrep.objects.filter(pk=wave_prep_id).first()
    try:
        with transaction.atomic():
            release_reservations(wave_prep)
            wave_prep.allocations.all().delete()
            checkpoint("cleared")
            plan = _market_plan(wave_prep)
            candidates, input_hash = _candidates(wave_prep, plan)
            capacity, pools = _code_pools(wave_prep, plan, candidates)
            result = allocate(
                candidates, capacity, _params(wave_prep), presorted=not wave_prep.params.get("randomSelection")
            )
            reserved = _reserve_codes(wave_prep, plan, pools, result)
            _write_allocations(wave_prep, result, reserved)
            checkpoint("allocated")
            wave_prep.input_hash = input_hash
            wave_prep.count = _count_document(wave_prep, plan, result, capacity)
            wave_prep.save(update_fields=["input_hash", "count"])
        checkpoint("committed")
        _analyze()
        path = write_prepped_zip(wave_prep, plan)
        WavePrep.objects.filter(pk=wave_prep.pk, status=WavePrepStatus.TRIGGERED).update(
            status=WavePrepStatus.FINISHED, path=path, error="", date_finished=timezone.now()
        )
    except Exception as error:
        logger.warning("wave prep %s attempt %s failed", wave_prep.pk, wave_prep.attempts, exc_info=True)
        message = f"{type(error).__name__}: {error}"
        if wave_prep.attempts >= MAX_ATTEMPTS:
            with transaction.atomic():
                _fail(wave_prep, message)
        else:
            WavePrep.objects.filter(pk=wave_prep.pk).update(error=message[:2000])
            raise WavePrepAttemptFailed(message) from error
    wave_prep.refresh_from_db()
    return wave_prep


def _analyze() -> None:
    """Refresh PostgreSQL's statistics after a run rewrote many outcome and code rows, so that selection's
    joins are planned on today's numbers, not on those of an empty table."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE entries_allocation; ANALYZE codes_code")


def _params(wave_prep: WavePrep) -> Params:
    params = wave_prep.params
    return Params(
        single_market=bool(params.get("singleMarket")),
        order_by_preference=bool(params.get("orderByPreference")),
        random_selection=bool(params.get("randomSelection")),
        seed=wave_prep.seed,
    )


def _market_plan(wave_prep: WavePrep) -> dict:
    """``{market_id: {"market": Market, "limit": int|None, "link": str, "codeTypes": [..], "pool": [ids]}}``.

    The markets of the run are the markets file's (for the run's dateKey) or else all of the campaign's,
    in market order. Concurrent split-allocation markets share their pinned codes (``pool``).
    """
    markets = list(Market.objects.filter(campaign_id=wave_prep.campaign_id))
    details = (
        WavePrepFile.objects.filter(
            campaign_id=wave_prep.campaign_id, date_key=wave_prep.date_key, type=WavePrepFileType.MARKETS
        )
        .values_list("content", flat=True)
        .first()
    )
    if details is not None:
        markets = [market for market in markets if market.pk in details]
    concurrent = [
        market.pk
        for market in markets
        if market.split_allocation_is_active and market.split_allocation_type == SplitAllocationType.CONCURRENT
    ]
    plan = {}
    for market in markets:
        detail = (details or {}).get(market.pk, {})
        limit = detail.get("limit", market.population)
        code_type = detail.get("codeType")
        plan[market.pk] = {
            "market": market,
            "limit": limit,
            "link": detail.get("link") or market.split_allocation_link or market.event_link,
            "codeTypes": [code_type] if code_type else [CodeType.TM, CodeType.EXTERNAL],
            "pool": [other for other in concurrent if other != market.pk] if market.pk in concurrent else [],
        }
    return plan


def _candidates(wave_prep: WavePrep, plan: dict) -> tuple[list, str]:
    """Eligible entries choosing a market of the run, as ``allocation`` candidates, and the input hash.

    Score order comes sorted from the database (``score DESC NULLS LAST, random_score DESC, id``), the
    lottery order is sorted in Python. The hash covers the parameters, seed, plan and every candidate.
    """
    params = wave_prep.params
    rows = eligible_entries(
        wave_prep.campaign,
        include_prev_selected=bool(params.get("reassign")),
        min_score=params.get("minScore"),
        max_score=params.get("maxScore"),
    ).filter(any_rank(list(plan)))
    if params.get("randomSelection"):
        rows = rows.order_by("id")
    else:
        rows = rows.order_by(F("score").desc(nulls_last=True), "-random_score", "id")
    rows = rows.values_list("id", "market_0_id", "market_1_id", "market_2_id", "market_3_id", "score", "random_score")
    sql, sql_params = rows.query.sql_with_params()
    digest = hashlib.sha256(repr((ALGORITHM_VERSION, sorted(params.items()), wave_prep.seed)).encode())
    digest.update(repr([(m, p["limit"], p["codeTypes"], p["pool"]) for m, p in plan.items()]).encode())
    canonical = {market_id: market_id for market_id in plan}
    candidates = []
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, sql_params)
        while batch := cursor.fetchmany(FETCH_SIZE):
            digest.update(repr(batch).encode())
            for entry_id, m0, m1, m2, m3, score, random_score in batch:
                ranked = (m0, m1, m2, m3)
                while ranked and ranked[-1] is None:
                    ranked = ranked[:-1]
                candidates.append((entry_id, tuple(canonical.get(m, m) for m in ranked), score, random_score))
    return candidates, digest.hexdigest()


def _code_pools(wave_prep: WavePrep, plan: dict, candidates: list) -> tuple[dict, dict]:
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
    picked = {market_id: [] for market_id in plan}
    for market_id, detail in plan.items():
        for code_type in detail["codeTypes"]:
            pinned, unpinned = pools[code_type]
            for source in [pinned.get(market_id)] + [pinned.get(other) for other in detail["pool"]] + [unpinned]:
                while source and len(picked[market_id]) < need[market_id]:
                    pk, code = source.popleft()
                    picked[market_id].append((pk, code, code_type))
    return picked


def _reserve_codes(wave_prep: WavePrep, plan: dict, pools: dict, result) -> dict:
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
    pinned = {}
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
    taken = set()
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


def _allocation_rows(wave_prep: WavePrep, result, reserved: dict):
    for market_id, rows in result.selected.items():
        codes = reserved[market_id]
        for (entry_id, rank, position), (code, code_type) in zip(rows, codes, strict=True):
            yield (wave_prep.pk, entry_id, market_id, AllocationOutcome.SELECTED, rank, position, code, code_type)
    for entry_id, market_id, rank, position in result.waitlisted_fans():
        yield (wave_prep.pk, entry_id, market_id, AllocationOutcome.WAITLISTED, rank, position, "", "")


_COLUMNS = ("wave_prep_id", "entry_id", "market_id", "outcome", "preference_rank", "position", "code", "code_type")


def _copy_text(value) -> str:
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


def _write_allocations(wave_prep: WavePrep, result, reserved: dict) -> None:
    """One ``Allocation`` row per fan and market (COPY in 50,000-line blocks on PostgreSQL, batched inserts
    elsewhere)."""
    rows = _allocation_rows(wave_prep, result, reserved)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY entries_allocation ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                block = []
                for prep, entry, market, outcome, rank, position, code, code_type in rows:
                    block.append(
                        f"{prep}\t{entry}\t{market}\t{outcome}\t{rank}\t{position}\t{_copy_text(code)}\t{code_type}\n"
                    )
                    if len(block) >= 50_000:
                        copy.write("".join(block))
                        block = []
                copy.write("".join(block))
        return
    batch = []
    for row in rows:
        batch.append(Allocation(**dict(zip(_COLUMNS, row, strict=True))))
        if len(batch) >= 5000:
            Allocation.objects.bulk_create(batch)
            batch = []
    Allocation.objects.bulk_create(batch)


def _count_document(wave_prep: WavePrep, plan: dict, result, capacity: dict) -> dict:
    """``WavePrepCount``: campaign totals and one child per market (with its id, limit and capacity)."""
    markets = []
    for market_id, detail in plan.items():
        counts = result.counts[market_id]
        markets.append(
            {
                "id": market_id,
                "name": detail["market"].name,
                "limit": detail["limit"],
                "capacity": capacity[market_id],
                **counts,
            }
        )
    return {"name": wave_prep.campaign.name, **result.totals, "markets": markets}


# --- the prepped zip --------------------------------------------------------------------------------

REGISTRANT_COLUMNS = (
    "code",
    "doNotText",
    "email",
    "firstName",
    "lastName",
    "link",
    "locale",
    "marketId",
    "globalUserId",
    "mobileNumber",
    "smsText",
)
MASTER_COLUMNS = (
    "entryId",
    "userId",
    "globalUserId",
    "memberId",
    "email",
    "mobileNumber",
    "firstName",
    "lastName",
    "locale",
    "marketId",
    "marketName",
    "preferenceRank",
    "position",
    "score",
    "code",
    "codeType",
    "link",
)


def prepped_key(campaign_id: str, date_key: str) -> str:
    """``wavePrep/{campaignId}/prepped/prepped.{dateKey}.zip``."""
    return f"wavePrep/{campaign_id}/prepped/prepped.{date_key}.zip"


def _file_names(plan: dict) -> dict:
    names, used = {}, set()
    for market_id, detail in plan.items():
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", detail["market"].name).strip("_") or market_id
        name = base if base.lower() not in used else f"{base}_{market_id}"
        used.add(name.lower())
        names[market_id] = name
    return names


def sms_text(campaign_name: str, market_name: str, code: str, link: str) -> str:
    """The SMS a selected fan receives: campaign, market, code and link."""
    text = f"{campaign_name}: you're in for {market_name}. Your presale code: {code}"
    return f"{text} {link}" if link else text


def write_prepped_zip(wave_prep: WavePrep, plan: dict) -> str:
    """Write the per-market ``sms/``, ``email/`` and ``masterCodes/`` CSVs of the selected fans into the zip.

    ``sms/{market}.csv``: North-American mobile numbers (Registrant columns, catalog §3.7.3);
    ``email/{market}.csv``: the others with an email, one row per email; ``masterCodes/{market}.csv``:
    every selected fan with the full assignment. Returns the storage key.
    """
    names = _file_names(plan)
    campaign_name = wave_prep.campaign.name
    rows = (
        Allocation.objects.filter(wave_prep=wave_prep, outcome=AllocationOutcome.SELECTED)
        .order_by("market_id", "position")
        .values_list(
            "market_id",
            "entry_id",
            "entry__fan_id",
            "entry__fan__global_user_id",
            "entry__fan__member_id",
            "entry__email",
            "entry__phone",
            "entry__fan__first_name",
            "entry__fan__last_name",
            "entry__locale",
            "preference_rank",
            "position",
            "entry__score",
            "code",
            "code_type",
        )
    )
    by_market = {market_id: ([], [], []) for market_id in plan}
    seen_emails = {market_id: set() for market_id in plan}
    for (
        market_id,
        entry_id,
        fan_id,
        guid,
        member,
        email,
        phone,
        first,
        last,
        locale,
        rank,
        pos,
        score,
        code,
        ctype,
    ) in _stream(rows):
        detail = plan[market_id]
        link = detail["link"]
        market_name = detail["market"].name
        sms, mail, master = by_market[market_id]
        master.append(
            [entry_id, fan_id, guid, member, email, phone, first, last, locale]
            + [market_id, market_name, rank, pos, score, code, ctype, link]
        )
        text = sms_text(campaign_name, market_name, code, link)
        registrant = [code, "false", email, first, last, link, locale, market_id, guid, phone, text]
        if phone and NORTH_AMERICA.match(phone):
            sms.append(registrant)
        elif email and email not in seen_emails[market_id]:
            seen_emails[market_id].add(email)
            mail.append(registrant)
    handle = tempfile.NamedTemporaryFile(suffix=".zip", delete=False)
    try:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for market_id, (sms, mail, master) in by_market.items():
                for folder, columns, lines in (
                    ("sms", REGISTRANT_COLUMNS, sms),
                    ("email", REGISTRANT_COLUMNS, mail),
                    ("masterCodes", MASTER_COLUMNS, master),
                ):
                    archive.writestr(f"{folder}/{names[market_id]}.csv", _csv_text(columns, lines))
        handle.close()
        key = prepped_key(wave_prep.campaign_id, wave_prep.date_key)
        if default_storage.exists(key):
            default_storage.delete(key)
        with open(handle.name, "rb") as stored:
            return default_storage.save(key, File(stored, name=os.path.basename(key)))
    finally:
        handle.close()
        os.unlink(handle.name)


def _stream(rows):
    """Yield the tuples of a ``values_list`` queryset through a server-side cursor (no model machinery)."""
    sql, params = rows.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH_SIZE):
            yield from batch


def _csv_text(columns, lines) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if value is None else value for value in line] for line in lines)
    return out.getvalue()
