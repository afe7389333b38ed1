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
from datetime import timedelta
from itertools import chain

import numpy as np
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from campaigns.models import CampaignStatus, Market, SplitAllocationType
from campaigns.selectors import campaign_or_404
from codes.models import RESERVATION_SECONDS, Code, CodeType
from codes.reasons import CodesReason
from entries.metrics import eligible_entries
from entries.models import ENTRY_SCORE
from entries.reasons import EntriesReason
from entries.selection.allocation import ALGORITHM_VERSION, Params
from entries.selection.columnar import RANKS, ColumnResult, Columns, allocate_columns, score_order
from entries.selection.models import (
    Allocation,
    AllocationOutcome,
    WavePrep,
    WavePrepFile,
    WavePrepFileType,
    WavePrepStatus,
)
from entries.selection.selectors import selection_pending
from entries.selection.services.prepped_zip import write_prepped_zip
from entries.selection.services.wave_prep_codes import by_index, code_pools, pick_codes, pick_drawn, reserve_picked
from entries.selectors import any_rank
from monoql.audit import Actor, record
from monoql.dates import iso
from monoql.errors import NotFound, ValidationFailed
from monoql.jobs import Heartbeat, Superseded, stale_cutoff
from monoql.keys import check_date_key
from monoql.locks import SELECTION_DATA, SELECTION_TRIGGERS, lock
from monoql.pgcopy import Lookup, analyze, copy_escape, read_columns, write_columns, write_text
from monoql.queue import enqueue_on_commit
from monoql.transactions import inside_transaction

logger = logging.getLogger("monoql.wave_prep")

RUN_TASK = "entries.run_wave_prep"
MAX_ATTEMPTS = 2
_hooks: list = []  # test seam: callables receiving each checkpoint name (see ``checkpoint``)


def checkpoint(stage: str) -> None:
    """Mark a stage of the worker (``cleared``, ``allocated``, ``committed``); tests hook crashes here."""
    for hook in list(_hooks):
        hook(stage)


class WavePrepAttemptFailed(Exception):
    """An attempt failed and another one is allowed: the Celery task retries."""


def check_score(value, field: str):
    """``value`` when None or a number within 0–1. Raises ValidationFailed ``INVALID_SCORE`` naming ``field``."""
    if value is not None and not (isinstance(value, (int, float)) and 0.0 <= value <= 1.0):
        raise ValidationFailed(
            f"{field} must be a number between 0 and 1.", reason=EntriesReason.INVALID_SCORE, field=field
        )
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

    Raises: ValidationFailed ``INVALID_SEED`` (field ``seed``).
    """
    try:
        seed = int(str(value).strip())
    except (TypeError, ValueError):
        seed = -1
    if not 0 <= seed <= MAX_SEED:
        raise ValidationFailed(
            f"seed must be a whole number from 0 to {MAX_SEED}.", reason=EntriesReason.INVALID_SEED, field="seed"
        )
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
    actor: Actor,
) -> WavePrep:
    """Record a wave prep run (TRIGGERED) and queue its worker.

    Args:
        campaign_id, date_key (``^[A-Za-z0-9._-]{1,64}$``); the switches of catalog §3.7.2; min_score /
        max_score: inclusive 0–1 bounds; seed: the lottery seed (a fresh random 63-bit one when None —
        pass a recorded seed to reproduce a run); actor: who asked (the staff fan is recorded as
        ``requested_by``; one audit-log row, ``wavePrep.trigger``, with the switches and the seed).
    Re-triggering a ``dateKey`` whose run has not been applied by selection replaces that run (its
    reservations are released, its outcomes dropped).
    Returns: the WavePrep row; its ``replay_of`` (not stored) is ``{"dateKey", "algorithmVersion", "note"}`` when
    ``seed`` is the seed of an earlier run of the campaign recorded under other selection rules
    (``ALGORITHM_VERSION``): replaying it may not give its result, and the answer says so; else None.
    Raises: NotFound ``CAMPAIGN_NOT_FOUND``; ValidationFailed ``InvalidDateKey``, ``INVALID_SCORE``
        (``minScore``/``maxScore``), ``INVALID_SCORE_RANGE``, ``invalidCampaignStatus`` (not CLOSED),
        ``WAVE_PREP_IN_PROGRESS`` (another run of the campaign is TRIGGERED), ``SELECTION_IN_PROGRESS`` (a
        selection of the campaign is pending or running: its fans would be read again), ``WAVE_PREP_ALREADY_SELECTED``;
        Unavailable ``LOCK_TIMEOUT``.
    """
    date_key = check_date_key(date_key)
    check_score(min_score, "minScore")
    check_score(max_score, "maxScore")
    if min_score is not None and max_score is not None and min_score > max_score:
        raise ValidationFailed(
            "minScore must not exceed maxScore.", reason=EntriesReason.INVALID_SCORE_RANGE, field="minScore"
        )
    campaign = campaign_or_404(campaign_id)
    if campaign.status != CampaignStatus.CLOSED:
        raise ValidationFailed(
            f"Wave prep runs on a CLOSED campaign; this one is {campaign.status}.",
            reason=EntriesReason.invalidCampaignStatus,
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
        "heartbeat_at": timezone.now(),  # queued: the sweeper re-queues it if no worker takes it
        "requested_by": actor.fan,
        "date_started": None,
        "date_finished": None,
    }
    try:
        with transaction.atomic():
            lock(SELECTION_TRIGGERS, campaign.pk, what="the campaign's wave prep and selection triggers")
            if WavePrep.objects.filter(campaign=campaign, status=WavePrepStatus.TRIGGERED).exists():
                raise _in_progress()
            if selection_pending(campaign.pk):
                raise _selection_in_progress()
            previous = WavePrep.objects.select_for_update().filter(campaign=campaign, date_key=date_key).first()
            if previous is not None and previous.date_selected is not None:
                raise ValidationFailed(
                    f"Selection has been applied from wave prep '{date_key}'; use a new dateKey.",
                    reason=EntriesReason.WAVE_PREP_ALREADY_SELECTED,
                    field="dateKey",
                )
            if previous is not None:
                release_reservations(previous)
                previous.allocations.all().delete()
                for name, value in fields.items():
                    setattr(previous, name, value)
                # the attempt number only grows (an old attempt still running never passes for a new one)
                previous.attempts_allowed = previous.attempts + MAX_ATTEMPTS
                previous.save()
                wave_prep = previous
            else:
                wave_prep = WavePrep.objects.create(
                    campaign=campaign, date_key=date_key, attempts=0, attempts_allowed=MAX_ATTEMPTS, **fields
                )
            record(
                actor,
                "wavePrep.trigger",
                campaign_id=campaign.pk,
                target=f"wavePrep:{wave_prep.pk}",
                changes={"dateKey": date_key, **params, "seed": str(fields["seed"]), "replaced": previous is not None},
            )
            enqueue_on_commit(RUN_TASK, wave_prep.pk)
    except IntegrityError:
        raise _in_progress() from None
    wave_prep.replay_of = _earlier_rules(campaign.pk, wave_prep) if seed is not None else None
    return wave_prep


def retry_wave_prep(wave_prep_id: int, *, actor: Actor) -> WavePrep:
    """Run a FAILED wave prep again, with its dateKey, switches and seed (the same lottery), through
    ``trigger_wave_prep`` (its checks and its audit row); its attempt number keeps growing, so an attempt of the
    failed run still alive somewhere can never commit.

    Returns: the WavePrep (TRIGGERED, queued). Raises: NotFound ``WAVE_PREP_NOT_FOUND`` (field ``wavePrepId``);
        ValidationFailed ``NOT_RETRYABLE`` when it did not fail; ``trigger_wave_prep``'s errors.
    """
    run = WavePrep.objects.filter(pk=wave_prep_id).first()
    if run is None:
        raise NotFound("No such wave prep.", reason=EntriesReason.WAVE_PREP_NOT_FOUND, field="wavePrepId")
    if run.status != WavePrepStatus.FAILED:
        raise ValidationFailed(
            f"Only a failed wave prep can be retried; this one is {run.status}.",
            reason=CodesReason.NOT_RETRYABLE,
            field="wavePrepId",
        )
    params = run.params or {}
    return trigger_wave_prep(
        campaign_id=run.campaign_id,
        date_key=run.date_key,
        reassign=bool(params.get("reassign")),
        order_by_preference=bool(params.get("orderByPreference")),
        single_market=bool(params.get("singleMarket")),
        random_selection=bool(params.get("randomSelection")),
        min_score=params.get("minScore"),
        max_score=params.get("maxScore"),
        seed=run.seed,
        actor=actor,
    )


def _earlier_rules(campaign_id: str, wave_prep: WavePrep) -> dict | None:
    """The latest other run of the campaign with this run's seed, when it was recorded under other rules."""
    earlier = (
        WavePrep.objects.filter(campaign_id=campaign_id, seed=wave_prep.seed)
        .exclude(pk=wave_prep.pk)
        .exclude(algorithm_version__in=["", ALGORITHM_VERSION])
        .order_by("-date_created")
        .first()
    )
    if earlier is None:
        return None
    note = (
        f"Recorded under {earlier.algorithm_version}; this run follows {ALGORITHM_VERSION}, so the result may differ "
        "(docs/selection.md)."
    )
    return {"dateKey": earlier.date_key, "algorithmVersion": earlier.algorithm_version, "note": note}


def _selection_in_progress():
    return ValidationFailed(
        "A selection of this campaign is pending or running; run wave prep once it is applied.",
        reason=EntriesReason.SELECTION_IN_PROGRESS,
    )


def _in_progress():
    return ValidationFailed(
        "A wave prep of this campaign is running; wait until it finishes.", reason=EntriesReason.WAVE_PREP_IN_PROGRESS
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
        if wave_prep.attempts > wave_prep.attempts_allowed:
            _fail(wave_prep, wave_prep.error or f"Gave up after {wave_prep.attempts - 1} attempts.")
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
            # Wave prep and selection of one campaign exclude each other: the run reads candidates and codes while
            # no selection market is being applied (they hold this lock shared), and records when it read them.
            lock(SELECTION_DATA, wave_prep.campaign_id, what="the campaign's selection")
            if selection_pending(wave_prep.campaign_id):
                raise _selection_in_progress()
            wave_prep.date_read = timezone.now()
            release_reservations(wave_prep)
            wave_prep.allocations.all().delete()
            checkpoint("cleared")
            report_progress(wave_prep.pk, "reading candidates", 1)
            plan = _market_plan(wave_prep)
            columns, input_hash = _candidate_columns(wave_prep, plan)
            report_progress(wave_prep.pk, "allocating", 2)
            wanted = np.bincount(columns.ranked[columns.ranked >= 0].astype(np.int64), minlength=len(plan))
            params = _params(wave_prep)
            capacity, pools, shared = code_pools(
                wave_prep, plan, dict(zip(plan, wanted.tolist(), strict=True)), single_market=params.single_market
            )
            index = {market_id: m for m, market_id in enumerate(plan)}
            result = allocate_columns(
                columns,
                np.array([capacity[market_id] for market_id in plan], dtype=np.int64),
                params,
                presorted=not wave_prep.params.get("randomSelection"),
                shared=None if shared is None else by_index(shared, index),
            )
            report_progress(wave_prep.pk, "reserving codes", 3)
            if shared is None:
                need = {market_id: result.selected_count(m) for m, market_id in enumerate(plan)}
                picked = pick_codes(plan, pools, need)
            else:
                drawn = {market_id: (result.draws or {}).get(m, {}) for m, market_id in enumerate(plan)}
                picked = pick_drawn(plan, pools, shared, drawn)
            if connection.vendor != "postgresql":
                reserve_picked(wave_prep, picked, plan)  # on PostgreSQL the outcome rows' statement reserves
            report_progress(wave_prep.pk, "writing outcomes", 4)
            _write_allocations(wave_prep, plan, columns, result, picked)
            counts = _count_document(wave_prep, plan, result, capacity)
            del columns, result, picked, pools
            checkpoint("allocated")
            wave_prep.input_hash = input_hash
            wave_prep.count = counts
            # The fence: only the attempt that still owns the row commits (a newer one was re-queued).
            if not current.update(
                input_hash=wave_prep.input_hash, count=wave_prep.count, date_read=wave_prep.date_read
            ):
                raise Superseded(f"wave prep {wave_prep.pk}: attempt {fence} was superseded")
        checkpoint("committed")
        analyze("entries_allocation", "codes_code")  # selection's joins are planned on today's numbers
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
        elif wave_prep.attempts >= wave_prep.attempts_allowed:
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
                f"UPDATE {WavePrep._meta.db_table} SET progress = %s WHERE id = %s",  # noqa: S608 - constant fragments, table names and Django's own queryset SQL
                [json.dumps(progress), wave_prep_id],
            )
    except DatabaseError:
        logger.info("wave prep %s: progress not written", wave_prep_id, exc_info=True)
    finally:
        side.close()


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


#: The candidate columns as the binary COPY reads them (``monoql.pgcopy``): id, the four ranked markets as
#: indices into the run's market order (−1: none, or a market outside the run), score (NaN: unscored), random score.
_CANDIDATE_COLUMNS = [
    ("id", "int8"),
    *((f"m{rank}", "int2") for rank in range(RANKS)),
    ("score", "float8"),
    ("random_score", "float8"),
]


def _candidate_columns(wave_prep: WavePrep, plan: dict) -> tuple[Columns, str]:
    """Eligible entries choosing a market of the run, as ``columnar.Columns``, and the input hash.

    The columns come in score order (the uploaded score, else the bot score: ``ENTRY_SCORE``; ``score DESC NULLS
    LAST, random_score DESC, id``), or for a lottery in entry id order (``columnar.priority`` then orders them). On
    PostgreSQL the rows arrive unsorted by binary COPY straight into arrays (a few dozen bytes per entry, no Python
    object per row) and numpy sorts them (``columnar.score_order``): the server sorting 3.3 million rows spilled to
    disk and sent nothing until it was done. Elsewhere the database sorts. The hash covers the algorithm,
    parameters, seed, plan and every candidate row, in that order.
    """
    params = wave_prep.params
    rows = eligible_entries(
        wave_prep.campaign,
        include_prev_selected=bool(params.get("reassign")),
        min_score=params.get("minScore"),
        max_score=params.get("maxScore"),
    ).filter(any_rank(list(plan)))
    rows = rows.annotate(ranked_score=ENTRY_SCORE).values_list(
        "id", *(f"market_{rank}_id" for rank in range(RANKS)), "ranked_score", "random_score"
    )
    market_ids = list(plan)
    if connection.vendor == "postgresql":
        sql, sql_params = rows.query.sql_with_params()
        # each ranked market as its index in the run (−1: none or outside it), by hash joins on the run's few markets
        # (array_position compared strings one by one: 2.6 s more at 3.5 million entries)
        ranked = ", ".join(f"COALESCE(m{rank}.i, -1)::int2" for rank in range(RANKS))
        joins = " ".join(f"LEFT JOIN run_markets m{rank} ON m{rank}.id = q.market_{rank}_id" for rank in range(RANKS))
        with transaction.atomic():
            with connection.cursor() as cursor:
                # the bot score's join (3.5 million keys) fits in memory, not in 4 MB batches on disk (3.5M: 125 s →
                # see bench/results); for this run's transaction only (numpy sorts the rows: ``score_order`` below)
                cursor.execute("SET LOCAL work_mem = '256MB'")
            read = read_columns(
                "WITH run_markets (id, i) AS MATERIALIZED (SELECT * FROM unnest(%s::varchar[], %s::int2[]))"  # noqa: S608 - constant fragments, table names and Django's own queryset SQL
                f" SELECT q.id::int8, {ranked}, COALESCE(q.ranked_score, 'NaN')::float8, q.random_score::float8"
                f" FROM ({sql}) q {joins}",
                [market_ids, list(range(len(market_ids))), *sql_params],
                _CANDIDATE_COLUMNS,
            )
    else:
        read = _read_candidates_portably(rows, market_ids, random=bool(params.get("randomSelection")))
    columns = Columns(
        entry_id=read["id"],
        ranked=np.stack([read[f"m{rank}"] for rank in range(RANKS)], axis=1),
        score=read["score"],
        random_score=read["random_score"],
    )
    del read
    if connection.vendor == "postgresql":
        random = bool(params.get("randomSelection"))
        columns = columns.take(np.argsort(columns.entry_id, kind="stable") if random else score_order(columns))
    digest = hashlib.sha256(repr((ALGORITHM_VERSION, sorted(params.items()), wave_prep.seed)).encode())
    digest.update(repr([(m, p["limit"], p["codeTypes"], p["pool"]) for m, p in plan.items()]).encode())
    for array in (columns.entry_id, columns.ranked, columns.score, columns.random_score):
        digest.update(np.ascontiguousarray(array).tobytes())
    return columns, digest.hexdigest()


def _read_candidates_portably(rows, market_ids: list, *, random: bool) -> dict:
    """The candidate columns through a plain cursor (SQLite, the embedded default: small campaigns)."""
    if random:
        rows = rows.order_by("id")
    else:
        rows = rows.order_by(F("ranked_score").desc(nulls_last=True), "-random_score", "id")
    index = {market_id: i for i, market_id in enumerate(market_ids)}
    fetched = list(rows)
    read = {
        "id": np.array([row[0] for row in fetched], dtype=np.int64),
        "score": np.array([np.nan if row[5] is None else row[5] for row in fetched], dtype=np.float64),
        "random_score": np.array([row[6] for row in fetched], dtype=np.float64),
    }
    for rank in range(RANKS):
        read[f"m{rank}"] = np.array([index.get(row[1 + rank], -1) for row in fetched], dtype=np.int16)
    return read


_COLUMNS = ("wave_prep_id", "entry_id", "market_id", "outcome", "preference_rank", "position", "code", "code_type")
#: Reserve the picked codes and write the selected fans' outcome rows with the code texts the update returns. A
#: market's rows are stored together, in priority order: selection reads them market by market (30,000 rows on a
#: few hundred pages instead of one page each).
_RESERVE_AND_WRITE_SQL = f"""
    WITH reserved AS (
        UPDATE codes_code AS c SET date_reserved = %(now)s, reserve_id = %(reserve_id)s
        FROM wave_prep_selected AS s
        WHERE c.id = s.code_id AND c.date_assigned IS NULL AND (c.date_reserved IS NULL OR c.date_reserved <= %(expiry)s)
        RETURNING s.entry_id, s.market_id, s.preference_rank, s.position, c.code, c.type
    )
    INSERT INTO entries_allocation ({", ".join(_COLUMNS)})
    SELECT %(prep)s, entry_id, market_id, %(selected)s, preference_rank, position, code, type FROM reserved
    ORDER BY market_id, position
"""  # noqa: S608 - constant fragments, table names and Django's own queryset SQL


@inside_transaction
def _write_allocations(wave_prep: WavePrep, plan: dict, columns: Columns, result: ColumnResult, picked) -> None:
    """One ``Allocation`` row per selected fan and market, with its code, and one per fan selected nowhere.

    On PostgreSQL the selected rows go by COPY into a temporary table with their code ids, and one statement
    reserves those codes (``UPDATE codes_code … FROM`` it, taking only codes still available) and inserts the
    rows with the code texts the update returns: the codes are read and written once. Fewer rows than picked
    codes means another reserver took some since the pools were read: RuntimeError, the attempt rolls back and
    is retried. The waitlisted rows go by COPY straight into the table. Both COPYs are binary, packed from the
    result's arrays (``pgcopy.write_columns``: no Python object per row; the run's market ids are all of one width,
    as ``monoql.ids`` makes them, else they go as text lines). Elsewhere, batched inserts (the codes were reserved by
    ``reserve_picked``). Raises TransactionRequired outside a transaction (the run's: the reservation, the rows and the
    temporary table live and die with it).
    """
    market_ids = list(plan)
    entry_ids = columns.entry_id[result.order]
    code_ids = (
        np.concatenate([picked.ids[market_id] for market_id in market_ids]).astype(np.int64)
        if market_ids
        else np.zeros(0, dtype=np.int64)
    )
    if len(code_ids) != len(result.selected_position):
        raise ValueError(f"{len(code_ids)} codes picked for {len(result.selected_position)} selected rows")
    # In entry id order: the entry index then takes the rows front to back instead of at random places.
    by_entry = np.argsort(entry_ids[result.waitlisted_position], kind="stable")
    waiting = result.waitlisted_position[by_entry]
    prep = wave_prep.pk
    if connection.vendor == "postgresql":
        market_text = _market_texts(market_ids)
        if market_text is None:
            _write_allocation_lines(wave_prep, market_ids, entry_ids, result, code_ids, by_entry)
            return
        _selected_table()
        write_columns(
            "wave_prep_selected",
            [
                ("entry_id", "int8", entry_ids[result.selected_position]),
                ("market_id", "text", Lookup(market_text, result.selected_market)),
                ("preference_rank", "int2", result.selected_rank),
                ("position", "int4", result.selected_position),
                ("code_id", "int8", code_ids),
            ],
        )
        _reserve_and_write_selected(wave_prep, len(code_ids))
        write_columns(
            "entries_allocation",
            [
                ("wave_prep_id", "int8", prep),
                ("entry_id", "int8", entry_ids[waiting]),
                ("market_id", "text", Lookup(market_text, result.waitlisted_market[by_entry])),
                ("outcome", "text", AllocationOutcome.WAITLISTED.value.encode()),
                ("preference_rank", "int2", result.waitlisted_rank[by_entry]),
                ("position", "int4", waiting),
                ("code", "text", b""),
                ("code_type", "text", b""),
            ],
        )
        return
    codes = Code.objects.in_bulk(code_ids.tolist())
    selected, waitlisted = _outcome_tuples(entry_ids, result, code_ids, by_entry)
    outcomes = chain(
        ((AllocationOutcome.SELECTED, e, m, r, p, codes[c].code, codes[c].type) for e, m, r, p, c in selected),
        ((AllocationOutcome.WAITLISTED, e, m, r, p, "", "") for e, m, r, p in waitlisted),
    )
    rows = [
        Allocation(
            wave_prep_id=prep,
            entry_id=entry,
            market_id=market_ids[m],
            outcome=outcome,
            preference_rank=rank,
            position=position,
            code=code,
            code_type=code_type,
        )
        for outcome, entry, m, rank, position, code, code_type in outcomes
    ]
    Allocation.objects.bulk_create(rows, batch_size=2000)


def _market_texts(market_ids: list[str]) -> np.ndarray | None:
    """The run's market ids as one fixed-width byte-string array (a binary COPY's text column), or None when they
    differ in width (``monoql.ids`` makes them all 24 characters; one written otherwise goes as text lines)."""
    encoded = [market_id.encode() for market_id in market_ids]
    if len({len(market_id) for market_id in encoded}) > 1:
        return None
    return np.array(encoded, dtype=f"S{max(1, len(encoded[0])) if encoded else 1}")


def _outcome_tuples(entry_ids: np.ndarray, result: ColumnResult, code_ids: np.ndarray, by_entry: np.ndarray):
    """The rows as Python tuples (the writers that need them: SQLite's inserts, text COPY lines): ``(selected,
    waitlisted)`` iterators of ``(entry, market index, rank, position, code id)`` and ``(entry, market index, rank,
    position)``, the waitlisted in ``by_entry`` order."""
    waiting = result.waitlisted_position[by_entry]
    selected = zip(
        entry_ids[result.selected_position].tolist(),
        result.selected_market.tolist(),
        result.selected_rank.tolist(),
        result.selected_position.tolist(),
        code_ids.tolist(),
        strict=True,
    )
    waitlisted = zip(
        entry_ids[waiting].tolist(),
        result.waitlisted_market[by_entry].tolist(),
        result.waitlisted_rank[by_entry].tolist(),
        waiting.tolist(),
        strict=True,
    )
    return selected, waitlisted


def _selected_table() -> None:
    """An empty ``wave_prep_selected`` (temporary, dropped at commit): the selected rows with their code ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS wave_prep_selected (entry_id int8, market_id varchar(24),"
            " preference_rank int2, position int4, code_id int8) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE wave_prep_selected")


def _reserve_and_write_selected(wave_prep: WavePrep, picked: int) -> None:
    """Reserve the codes of ``wave_prep_selected`` and write the selected rows (``_RESERVE_AND_WRITE_SQL``).
    Raises RuntimeError when fewer than ``picked`` codes were still available (another reserver took some)."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE wave_prep_selected")
        cursor.execute(
            _RESERVE_AND_WRITE_SQL,
            {
                "now": now,
                "expiry": now - timedelta(seconds=RESERVATION_SECONDS),
                "reserve_id": wave_prep.reserve_id,
                "prep": wave_prep.pk,
                "selected": AllocationOutcome.SELECTED,
            },
        )
        if cursor.rowcount < picked:
            raise RuntimeError(f"{picked - cursor.rowcount} codes were reserved by someone else during the wave prep.")


def _write_allocation_lines(wave_prep, market_ids, entry_ids, result, code_ids, by_entry) -> None:
    """``_write_allocations`` on PostgreSQL as COPY text lines: for a run whose market ids differ in width."""
    text_ids = [copy_escape(market_id) for market_id in market_ids]
    _selected_table()
    selected, waitlisted = _outcome_tuples(entry_ids, result, code_ids, by_entry)
    write_text(
        "wave_prep_selected",
        ("entry_id", "market_id", "preference_rank", "position", "code_id"),
        (f"{entry}\t{text_ids[m]}\t{rank}\t{position}\t{code}\n" for entry, m, rank, position, code in selected),
    )
    _reserve_and_write_selected(wave_prep, len(code_ids))
    write_text(
        "entries_allocation",
        _COLUMNS,
        (
            f"{wave_prep.pk}\t{entry}\t{text_ids[m]}\t{AllocationOutcome.WAITLISTED}\t{rank}\t{position}\t\t\n"
            for entry, m, rank, position in waitlisted
        ),
    )


def _count_document(wave_prep: WavePrep, plan: dict, result: ColumnResult, capacity: dict) -> dict:
    """``WavePrepCount``: campaign totals and one child per market (with its id, limit and capacity)."""
    markets = []
    for m, (market_id, detail) in enumerate(plan.items()):
        markets.append(
            {
                "id": market_id,
                "name": detail["market"].name,
                "limit": detail["limit"],
                "capacity": capacity[market_id],
                **{key: int(values[m]) for key, values in result.counts.items()},
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
            if wave_prep.attempts >= wave_prep.attempts_allowed:
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
