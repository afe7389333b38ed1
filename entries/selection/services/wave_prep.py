"""``triggerWavePrep`` and the wave prep worker (catalog §3.7.2; decisions.md "Selection"; docs/selection.md).

``trigger_wave_prep`` records a ``WavePrep`` (TRIGGERED) with its parameters and a fresh seed and queues
``run_wave_prep``. The worker, in one transaction: drops what an earlier attempt of the same run left,
reads the candidates (eligible entries choosing a market of the run), reserves each market's codes
(capacity = the markets file's ``limit`` for this run, else ``Market.population``, which caps the market over
every run: fans already selected there count against it; bounded by the codes in the pool),
allocates (``entries.selection.allocation``), releases the codes it did not need and writes one ``Allocation`` row
per fan and market. It then writes ``wavePrep/{campaignId}/prepped/prepped.{dateKey}.zip`` and marks the
run FINISHED. A killed or failed attempt is retried (at most 2 attempts, then FAILED); because the run's
seed and inputs are fixed and the earlier attempt's reservations are released first, the retry gives the
same result and no code is reserved twice.
"""

import hashlib
import json
import logging
import secrets
import uuid

from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from campaigns.models import CampaignStatus, Market, SplitAllocationType
from campaigns.selectors import campaign_or_404
from codes.models import Code, CodeType
from entries.metrics import eligible_entries
from entries.selection.allocation import ALGORITHM_VERSION, Params, allocate
from entries.selection.models import (
    Allocation,
    AllocationOutcome,
    WavePrep,
    WavePrepFile,
    WavePrepFileType,
    WavePrepStatus,
)
from entries.selection.services.prepped_zip import write_prepped_zip
from entries.selection.services.wave_prep_codes import code_pools, reserve_codes
from entries.selectors import any_rank
from monoql.dates import iso
from monoql.errors import ValidationFailed
from monoql.jobs import Heartbeat, Superseded, stale_cutoff
from monoql.keys import check_date_key
from monoql.queue import enqueue_on_commit

logger = logging.getLogger("monoql.wave_prep")

RUN_TASK = "entries.run_wave_prep"
MAX_ATTEMPTS = 2
FETCH_SIZE = 20_000
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


#: Seeds are non-negative 63-bit integers (they fit PostgreSQL's bigint).
MAX_SEED = 2**63 - 1


def valid_seed(value) -> int:
    """Return ``value`` as a lottery seed (an integer 0 … 2**63 − 1, digits accepted as text).

    Raises: ValidationFailed ``invalidSeed`` (field ``seed``).
    """
    try:
        seed = int(str(value).strip())
    except (TypeError, ValueError):
        seed = -1
    if not 0 <= seed <= MAX_SEED:
        raise ValidationFailed(f"seed must be a whole number from 0 to {MAX_SEED}.", reason="invalidSeed", field="seed")
    return seed


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
        "seed": secrets.randbits(63) if seed is None else valid_seed(seed),
        "algorithm_version": ALGORITHM_VERSION,
        "input_hash": "",
        "reserve_id": uuid.uuid4(),
        "count": None,
        "error": "",
        "path": "",
        "attempts": 0,
        "heartbeat_at": timezone.now(),  # queued: the sweeper re-queues it if no worker takes it
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
        wave_prep.heartbeat_at = timezone.now()
        if wave_prep.attempts > MAX_ATTEMPTS:
            _fail(wave_prep, wave_prep.error or f"Gave up after {MAX_ATTEMPTS} attempts.")
            return None
        wave_prep.save(update_fields=["attempts", "date_started", "heartbeat_at"])
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
    fence = wave_prep.attempts
    current = WavePrep.objects.filter(pk=wave_prep.pk, status=WavePrepStatus.TRIGGERED, attempts=fence)
    try:
        with Heartbeat(WavePrep._meta.db_table, wave_prep.pk, fence), transaction.atomic():
            release_reservations(wave_prep)
            wave_prep.allocations.all().delete()
            checkpoint("cleared")
            report_progress(wave_prep.pk, "reading candidates", 1)
            plan = _market_plan(wave_prep)
            candidates, input_hash = _candidates(wave_prep, plan)
            report_progress(wave_prep.pk, "allocating", 2)
            capacity, pools = code_pools(wave_prep, plan, candidates)
            result = allocate(
                candidates, capacity, _params(wave_prep), presorted=not wave_prep.params.get("randomSelection")
            )
            report_progress(wave_prep.pk, "reserving codes", 3)
            reserved = reserve_codes(wave_prep, plan, pools, result)
            report_progress(wave_prep.pk, "writing outcomes", 4)
            _write_allocations(wave_prep, result, reserved)
            checkpoint("allocated")
            wave_prep.input_hash = input_hash
            wave_prep.count = _count_document(wave_prep, plan, result, capacity)
            # The fence: only the attempt that still owns the row commits (a newer one was re-queued).
            if not current.update(input_hash=wave_prep.input_hash, count=wave_prep.count):
                raise Superseded(f"wave prep {wave_prep.pk}: attempt {fence} was superseded")
        checkpoint("committed")
        _analyze()
        with Heartbeat(WavePrep._meta.db_table, wave_prep.pk, fence):
            report_progress(wave_prep.pk, "writing the zip", 5)
            path = write_prepped_zip(wave_prep, plan)
        current.update(
            status=WavePrepStatus.FINISHED,
            path=path,
            error="",
            date_finished=timezone.now(),
            progress={"stage": "finished", "step": PROGRESS_STEPS, "steps": PROGRESS_STEPS, "at": iso(timezone.now())},
        )
    except Superseded:
        logger.warning(
            "wave prep %s attempt %s was superseded by a newer attempt; nothing committed", wave_prep.pk, fence
        )
    except Exception as error:
        logger.warning("wave prep %s attempt %s failed", wave_prep.pk, wave_prep.attempts, exc_info=True)
        message = f"{type(error).__name__}: {error}"
        if not current.exists():
            logger.warning("wave prep %s attempt %s failed after it was superseded", wave_prep.pk, fence)
        elif wave_prep.attempts >= MAX_ATTEMPTS:
            with transaction.atomic():
                _fail(wave_prep, message)
        else:
            current.update(error=message[:2000])
            raise WavePrepAttemptFailed(message) from error
    wave_prep.refresh_from_db()
    return wave_prep


#: The stages a run reports (``WavePrep.progress``): reading candidates, allocating, reserving codes,
#: writing outcomes, writing the zip, finished.
PROGRESS_STEPS = 6


def report_progress(wave_prep_id: int, stage: str, step: int) -> None:
    """Write ``{stage, step, steps, at}`` on the run's row through a connection of its own, so that staff see
    the run move while its transaction is still open. Best effort: on SQLite (one writer) or any database
    error nothing is written and the run goes on."""
    if connection.vendor != "postgresql":
        return
    progress = {"stage": stage, "step": step, "steps": PROGRESS_STEPS, "at": iso(timezone.now())}
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {WavePrep._meta.db_table} SET progress = %s WHERE id = %s",
                [json.dumps(progress), wave_prep_id],
            )
    except DatabaseError:
        logger.info("wave prep %s: progress not written", wave_prep_id, exc_info=True)
    finally:
        side.close()


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
    # ``population`` caps a market over every run of the campaign (decisions.md "Rules found wrong"): fans
    # already selected there (holding an assigned code of the market) use up part of it.
    taken = dict(
        Code.objects.filter(campaign_id=wave_prep.campaign_id, market__isnull=False, date_assigned__isnull=False)
        .values("market_id")
        .annotate(n=Count("id"))
        .values_list("market_id", "n")
    )
    plan = {}
    for market in markets:
        detail = (details or {}).get(market.pk, {})
        limit = detail.get("limit", market.population)
        if market.population is not None:
            remaining = max(market.population - taken.get(market.pk, 0), 0)
            limit = remaining if limit is None else min(int(limit), remaining)
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
                ranked: tuple = (m0, m1, m2, m3)
                while ranked and ranked[-1] is None:
                    ranked = ranked[:-1]
                candidates.append((entry_id, tuple(canonical.get(m, m) for m in ranked), score, random_score))
    return candidates, digest.hexdigest()


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


def sweep_stale_wave_preps(now=None) -> dict:
    """Re-queue the TRIGGERED wave preps whose heartbeat is older than ``JOB_STALE_SECONDS`` (their worker was
    killed, or their task never ran); fail those whose ``MAX_ATTEMPTS`` are spent (reservations released, so
    the dateKey can be triggered again).

    Returns: ``{"requeued": [ids], "failed": [ids]}``. Beat: ``entries.sweep_stale_jobs``.
    """
    now = now or timezone.now()
    cutoff = stale_cutoff(now)
    stale = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, date_created__lt=cutoff)
    done: dict[str, list] = {"requeued": [], "failed": []}
    for pk in WavePrep.objects.filter(stale, status=WavePrepStatus.TRIGGERED).values_list("pk", flat=True):
        with transaction.atomic():
            wave_prep = (
                WavePrep.objects.select_for_update().filter(stale, pk=pk, status=WavePrepStatus.TRIGGERED).first()
            )
            if wave_prep is None:
                continue
            if wave_prep.attempts >= MAX_ATTEMPTS:
                _fail(
                    wave_prep,
                    f"The worker was lost (no heartbeat since {iso(wave_prep.heartbeat_at)}) after {wave_prep.attempts} attempts.",
                )
                done["failed"].append(pk)
            else:
                WavePrep.objects.filter(pk=pk).update(heartbeat_at=now)
                enqueue_on_commit(RUN_TASK, pk)
                done["requeued"].append(pk)
    if done["requeued"] or done["failed"]:
        logger.warning("stale wave preps: %s", done)
    return done
