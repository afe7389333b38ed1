"""``triggerSelection``: apply a finished wave prep to markets (catalog §3.7.1; decisions.md "Selection").

``trigger_selection`` picks the campaign's latest FINISHED wave prep, records one ``Stat`` of type
``selection`` per market (PENDING) and queues ``apply_selection``. Per market, in one transaction, the
worker assigns each selected fan the code the wave prep reserved for them (``date_assigned`` kept when
already set, so a re-run gives the same code to the same fan), skips fans blocked since the wave prep and
releases their codes, records the market as applied (its waitlisted fans then see so), writes the
Stat's counts (FINISHED, or FAILED with the error) and queues the notifications: one ``selection``
outbound event per market and an email to each selected fan.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from campaigns.models import Market
from campaigns.reasons import CampaignsReason
from campaigns.selectors import campaign_or_404
from campaigns.services.outbox import record_event
from codes.models import Code
from codes.services.inventory import lock_code_holders, release_planned_codes
from entries.models import Stat, StatStatus
from entries.reasons import EntriesReason
from entries.selection.models import Allocation, AllocationOutcome, AppliedMarket, WavePrep, WavePrepStatus
from entries.selection.selectors import stale_wave_prep
from monoql.audit import Actor, record
from monoql.dates import iso
from monoql.errors import DomainError, ValidationFailed
from monoql.jobs import Heartbeat, Superseded, stale_cutoff
from monoql.locks import SELECTION_DATA, SELECTION_TRIGGERS, lock
from monoql.pgcopy import analyze
from monoql.queue import enqueue_on_commit

logger = logging.getLogger("monoql.selection")

APPLY_TASK = "entries.apply_selection"
NOTIFY_TASK = "entries.notify_selection"
STAT_TYPE = "selection"
MAX_ATTEMPTS = 3  # attempts of one market's selection before the sweeper fails it
NOTIFY_BATCH = 500

#: A selected fan who already holds an assigned code of the same type in the market (from another run or a wave)
#: gets no second one, unless the run was prepared with ``reassign`` (decisions.md "Wave prep and selection exclude
#: each other"). A code with a holder is an assigned one, and an entry belongs to one campaign, so the fan's other
#: codes are found through the entry index alone; the other conditions are written so that no other index can serve
#: them: the planner's statistics of the assigned-codes index are those of before the selection, and a nested loop
#: over it cost minutes per market at Eras scale.
_HOLDS = """
    EXISTS (SELECT 1 FROM codes_code AS h
            WHERE h.entry_id = a.entry_id AND h.code <> a.code
              AND (h.market_id, h.type) IS NOT DISTINCT FROM (a.market_id, a.code_type))
"""

#: PostgreSQL, one statement per market: the market's selected fans are read once, in entry order (their entries
#: are then visited front to back), each still eligible fan gets the code the run reserved for them (found through
#: the (campaign, code) index: left to itself the planner hashes every code of the campaign, 1.5 million at Eras
#: scale, for each market), and the codes of fans blocked or erased since the wave prep, or already holding one
#: (``holds``), are released. The two updates touch different codes. Answers (assigned, released, already holding).
_APPLY_SQL = f"""
    WITH planned AS MATERIALIZED (
        SELECT a.entry_id, a.market_id, a.code, e.fan_id, e.verdict, (NOT %(reassign)s AND {_HOLDS}) AS holds
        FROM (SELECT entry_id, market_id, code, code_type FROM entries_allocation
              WHERE wave_prep_id = %(wave_prep_id)s AND market_id = %(market_id)s AND outcome = 'selected'
              ORDER BY entry_id) AS a
        LEFT JOIN entries_entry AS e ON e.id = a.entry_id
    ), assigned AS (
        UPDATE codes_code AS c SET
            date_assigned = COALESCE(c.date_assigned, %(now)s),
            entry_id = p.entry_id,
            fan_id = p.fan_id,
            market_id = p.market_id
        FROM planned AS p
        WHERE p.verdict AND NOT p.holds AND c.campaign_id = %(campaign_id)s AND c.code = p.code
          AND ((c.date_assigned IS NULL AND c.reserve_id = %(reserve_id)s) OR c.entry_id = p.entry_id)
        RETURNING 1
    ), released AS (
        UPDATE codes_code AS c SET date_reserved = NULL, reserve_id = NULL
        FROM planned AS p
        WHERE (p.verdict IS NOT TRUE OR p.holds) AND c.campaign_id = %(campaign_id)s AND c.code = p.code
          AND c.date_assigned IS NULL AND c.reserve_id = %(reserve_id)s
        RETURNING 1
    )
    SELECT (SELECT COUNT(*) FROM assigned), (SELECT COUNT(*) FROM released),
           (SELECT COUNT(*) FROM planned WHERE verdict AND holds)
"""  # noqa: S608 - constant fragments only

#: Only when a market has conflicts (selected fans left without their code), after the market's update: how many
#: lost it because the code was released from the plan (by staff) or reserved by someone else before selection —
#: it is unassigned, not reserved by the run, and its fan holds no other code of the kind.
_LOST_SQL = f"""
    SELECT COUNT(*) FROM entries_allocation AS a
    JOIN entries_entry AS e ON e.id = a.entry_id
    JOIN codes_code AS c ON c.campaign_id = %(campaign_id)s AND c.code = a.code
    WHERE a.wave_prep_id = %(wave_prep_id)s AND a.market_id = %(market_id)s AND a.outcome = 'selected'
      AND e.verdict = %(true)s AND c.date_assigned IS NULL AND c.reserve_id IS DISTINCT FROM %(reserve_id)s
      AND NOT {_HOLDS}
"""  # noqa: S608 - constant fragments only

#: The same in separate statements, portably (SQLite: the embedded default's small campaigns): count the fans
#: already holding a code, assign, then release what is still reserved by the run among the market's selected
#: fans' codes.
_SKIPPED_SQL = f"""
    SELECT COUNT(*) FROM entries_allocation AS a INNER JOIN entries_entry AS e ON e.id = a.entry_id
    WHERE a.wave_prep_id = %(wave_prep_id)s AND a.market_id = %(market_id)s AND a.outcome = 'selected'
      AND e.verdict = %(true)s AND NOT %(reassign)s AND {_HOLDS}
"""  # noqa: S608 - constant fragments only
_ASSIGN_SQL = f"""
    UPDATE codes_code SET
        date_assigned = COALESCE(codes_code.date_assigned, %(now)s),
        entry_id = a.entry_id,
        fan_id = e.fan_id,
        market_id = a.market_id
    FROM entries_allocation AS a INNER JOIN entries_entry AS e ON e.id = a.entry_id
    WHERE a.wave_prep_id = %(wave_prep_id)s AND a.market_id = %(market_id)s AND a.outcome = 'selected'
      AND e.verdict = %(true)s AND (%(reassign)s OR NOT {_HOLDS})
      AND codes_code.campaign_id = %(campaign_id)s AND codes_code.code = a.code
      AND ((codes_code.date_assigned IS NULL AND codes_code.reserve_id = %(reserve_id)s)
           OR codes_code.entry_id = a.entry_id)
"""  # noqa: S608 - constant fragments only
_RELEASE_SQL = """
    UPDATE codes_code SET date_reserved = NULL, reserve_id = NULL
    WHERE campaign_id = %(campaign_id)s AND reserve_id = %(reserve_id)s AND date_assigned IS NULL
      AND code IN (SELECT a.code FROM entries_allocation AS a
                   WHERE a.wave_prep_id = %(wave_prep_id)s AND a.market_id = %(market_id)s
                     AND a.outcome = 'selected')
"""


def latest_finished_wave_prep(campaign_id: str) -> WavePrep | None:
    """The campaign's most recently finished wave prep, or None."""
    return (
        WavePrep.objects.filter(campaign_id=campaign_id, status=WavePrepStatus.FINISHED)
        .order_by("-date_finished", "-pk")
        .first()
    )


def _check_market_ids(campaign_id: str, market_ids) -> list[str]:
    if not isinstance(market_ids, (list, tuple)) or not market_ids:
        raise ValidationFailed(
            "marketIds must list at least one market.", reason=CampaignsReason.MISSING_MARKET_IDS, field="marketIds"
        )
    wanted = list(dict.fromkeys(str(market_id) for market_id in market_ids if market_id))
    known = set(Market.objects.filter(campaign_id=campaign_id, pk__in=wanted).values_list("pk", flat=True))
    unknown = [market_id for market_id in wanted if market_id not in known]
    if unknown or not wanted:
        raise ValidationFailed(
            f"Not markets of this campaign: {', '.join(unknown) or '(empty id)'}.",
            reason=EntriesReason.UNKNOWN_MARKET,
            field="marketIds",
        )
    return wanted


def trigger_selection(*, campaign_id: str, market_ids, actor: Actor) -> dict:
    """Queue the selection of ``market_ids`` from the campaign's latest finished wave prep; one audit-log row by
    ``actor`` (``selection.trigger``: the wave prep's dateKey and the markets).

    Returns: ``{"campaignId", "dateKey", "marketIds", "status": "PENDING"}``.
    Raises: NotFound ``CAMPAIGN_NOT_FOUND``; ValidationFailed ``MISSING_MARKET_IDS``/``UNKNOWN_MARKET``
        (field ``marketIds``), ``NO_FINISHED_WAVE_PREP``, ``MARKET_NOT_IN_WAVE_PREP``, ``SELECTION_IN_PROGRESS``,
        ``WAVE_PREP_IN_PROGRESS`` (a wave prep of the campaign is running: the two exclude each other),
        ``WAVE_PREP_STALE`` (the run read its candidates before another run's selection was applied); Unavailable
        ``LOCK_TIMEOUT``.
    """
    campaign = campaign_or_404(campaign_id)
    market_ids = _check_market_ids(campaign.pk, market_ids)
    wave_prep = latest_finished_wave_prep(campaign.pk)
    if wave_prep is None:
        raise ValidationFailed(
            "No finished wave prep to select from; run triggerWavePrep first.",
            reason=EntriesReason.NO_FINISHED_WAVE_PREP,
        )
    prepped = {market["id"] for market in (wave_prep.count or {}).get("markets", [])}
    outside = [market_id for market_id in market_ids if market_id not in prepped]
    if outside:
        raise ValidationFailed(
            f"Wave prep '{wave_prep.date_key}' did not cover: {', '.join(outside)}.",
            reason=EntriesReason.MARKET_NOT_IN_WAVE_PREP,
            field="marketIds",
        )
    with transaction.atomic():
        lock(SELECTION_TRIGGERS, campaign.pk, what="the campaign's wave prep and selection triggers")
        if WavePrep.objects.filter(campaign=campaign, status=WavePrepStatus.TRIGGERED).exists():
            raise ValidationFailed(
                "A wave prep of this campaign is running; trigger selection once it has finished.",
                reason=EntriesReason.WAVE_PREP_IN_PROGRESS,
            )
        if stale_wave_prep(wave_prep):
            raise _stale(wave_prep)
        stats = Stat.objects.select_for_update().filter(
            campaign=campaign, type=STAT_TYPE, date_id=wave_prep.date_key, market_id__in=market_ids
        )
        if any(stat.status in (StatStatus.PENDING, StatStatus.PROCESSING) for stat in stats):
            raise ValidationFailed(
                "Selection of these markets is already running.", reason=EntriesReason.SELECTION_IN_PROGRESS
            )
        for market_id in market_ids:
            Stat.objects.update_or_create(
                campaign=campaign,
                market_id=market_id,
                date_id=wave_prep.date_key,
                type=STAT_TYPE,
                defaults={
                    "status": StatStatus.PENDING,
                    "count": None,
                    "errors": [],
                    "attempts": 0,
                    "heartbeat_at": timezone.now(),
                    "meta": {"wavePrepId": wave_prep.pk, "dateKey": wave_prep.date_key},
                },
            )
        # One task per market: each touches only its own codes and outcome rows, so the workers apply markets
        # side by side (two at once on a 2-core worker halve an Eras-scale selection).
        record(
            actor,
            "selection.trigger",
            campaign_id=campaign.pk,
            target=f"wavePrep:{wave_prep.pk}",
            changes={"dateKey": wave_prep.date_key, "marketIds": market_ids},
        )
        for market_id in market_ids:
            enqueue_on_commit(APPLY_TASK, wave_prep.pk, [market_id])
    return {"campaignId": campaign.pk, "dateKey": wave_prep.date_key, "marketIds": market_ids, "status": "PENDING"}


def apply_selection(wave_prep_id: int, market_ids: list[str]) -> dict:
    """Apply a wave prep to each market (the Celery task calls this); returns ``{market_id: count}``.

    Each market is its own transaction; a failing market's Stat is FAILED with the error and the others
    still run. Count per market: ``{eligible, selected, waitlisted, assigned, released, alreadyHolding,
    releasedFromPlan, conflicts}`` where ``assigned`` = selected fans now holding their code, ``released`` = codes
    of the plan given back (fans blocked or erased since the wave prep, fans already holding a code),
    ``alreadyHolding`` = selected fans skipped because they already hold an assigned code of the same type in the
    market (not with ``reassign``), ``releasedFromPlan`` = codes of the plan that staff released (or whose
    reservation was taken over) before selection, ``conflicts`` = selected fans left without their code.
    A market of a stale run (``stale_wave_prep``) is FAILED with ``WAVE_PREP_STALE``.
    """
    wave_prep = WavePrep.objects.select_related("campaign").get(pk=wave_prep_id)
    prepped = {market["id"]: market for market in (wave_prep.count or {}).get("markets", [])}
    results = {}
    for market_id in market_ids:
        stats = Stat.objects.filter(
            campaign_id=wave_prep.campaign_id, market_id=market_id, date_id=wave_prep.date_key, type=STAT_TYPE
        )
        stat = _claim_market(stats)
        if stat is None:
            continue  # another attempt runs or ran this market
        current = Stat.objects.filter(pk=stat.pk, status=StatStatus.PROCESSING, attempts=stat.attempts)
        try:
            with Heartbeat(Stat._meta.db_table, stat.pk, stat.attempts), transaction.atomic():
                count = _apply_market(wave_prep, market_id, prepped.get(market_id, {}))
                # The fence: only the attempt that still owns the Stat commits the market.
                if not current.update(status=StatStatus.FINISHED, count=count, errors=[], date_updated=timezone.now()):
                    raise Superseded(f"selection of market {market_id}: attempt {stat.attempts} was superseded")
                record_event(
                    "selection", campaign_id=wave_prep.campaign_id, market_id=market_id, payload={"count": count}
                )
                enqueue_on_commit(NOTIFY_TASK, wave_prep.pk, market_id)
            results[market_id] = count
        except Superseded:
            logger.warning("selection of market %s: attempt %s superseded, rolled back", market_id, stat.attempts)
        except Exception as error:
            logger.exception("selection of market %s from wave prep %s failed", market_id, wave_prep.pk)
            reason = {"reason": error.reason} if isinstance(error, DomainError) and error.reason else {}
            current.update(
                status=StatStatus.FAILED,
                errors=[{"message": f"{type(error).__name__}: {error}"[:2000], **reason}],
                date_updated=timezone.now(),
            )
    running = Stat.objects.filter(
        campaign_id=wave_prep.campaign_id,
        date_id=wave_prep.date_key,
        type=STAT_TYPE,
        status__in=[StatStatus.PENDING, StatStatus.PROCESSING],
    )
    if results and not running.exists():
        # The selection's last market: the codes it assigned (1.5 million at Eras scale) change the plans of the
        # dashboard's eligibility metrics, which anti-join them.
        analyze("codes_code")
    return results


def _stale(wave_prep: WavePrep) -> ValidationFailed:
    return ValidationFailed(
        f"Wave prep '{wave_prep.date_key}' read its candidates before another selection of the campaign was applied; "
        "run a new wave prep.",
        reason=EntriesReason.WAVE_PREP_STALE,
    )


def _claim_market(stats) -> Stat | None:
    """PENDING → PROCESSING with ``attempts + 1`` (the fence) by one conditional update; None if not PENDING."""
    now = timezone.now()
    if not stats.filter(status=StatStatus.PENDING).update(
        status=StatStatus.PROCESSING, attempts=F("attempts") + 1, heartbeat_at=now, date_updated=now
    ):
        return None
    return stats.first()


def sweep_stale_selections(now=None) -> dict:
    """Re-queue the selection Stats (per market) whose heartbeat is older than ``JOB_STALE_SECONDS``: PENDING
    ones whose task never ran, PROCESSING ones whose worker died (back to PENDING); a market whose
    ``MAX_ATTEMPTS`` are spent is FAILED, and ``triggerSelection`` may be called again for it.

    Applying a market again is safe: assignments are keyed by the wave prep's allocation (same code, same fan).
    Returns: ``{"requeued": [stat ids], "failed": [stat ids]}``. Beat: ``entries.sweep_stale_jobs``.
    """
    now = now or timezone.now()
    cutoff = stale_cutoff(now)
    stale = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, date_updated__lt=cutoff)
    done: dict[str, list] = {"requeued": [], "failed": []}
    rows = Stat.objects.filter(stale, type=STAT_TYPE, status__in=[StatStatus.PENDING, StatStatus.PROCESSING])
    for stat in rows:
        wave_prep_id = (stat.meta or {}).get("wavePrepId")
        with transaction.atomic():
            same = Stat.objects.filter(stale, pk=stat.pk, status=stat.status, attempts=stat.attempts)
            if wave_prep_id is None or stat.attempts >= MAX_ATTEMPTS:
                message = (
                    f"The worker was lost (no heartbeat since {iso(stat.heartbeat_at)}) after {stat.attempts} attempts."
                )
                if same.update(status=StatStatus.FAILED, errors=[{"message": message}], date_updated=now):
                    done["failed"].append(stat.pk)
            elif same.update(status=StatStatus.PENDING, heartbeat_at=now, date_updated=now):
                enqueue_on_commit(APPLY_TASK, wave_prep_id, [stat.market_id])
                done["requeued"].append(stat.pk)
    if done["requeued"] or done["failed"]:
        logger.warning("stale selections: %s", done)
    return done


def _apply_market(wave_prep: WavePrep, market_id: str, prepped: dict) -> dict:
    now = timezone.now()
    postgresql = connection.vendor == "postgresql"
    params: dict[str, Any] = {
        "now": now,
        "wave_prep_id": wave_prep.pk,
        "market_id": market_id,
        "campaign_id": wave_prep.campaign_id,
        "reserve_id": wave_prep.reserve_id if postgresql else wave_prep.reserve_id.hex,
        "true": True,
        "reassign": bool((wave_prep.params or {}).get("reassign")),
    }
    # Markets of one run apply side by side (shared); a wave prep of the campaign reads candidates only between
    # them (exclusive), and a run that read its candidates before another run's selection was applied is stale.
    lock(SELECTION_DATA, wave_prep.campaign_id, shared=True, what="the campaign's wave prep")
    if stale_wave_prep(wave_prep):
        raise _stale(wave_prep)
    # A fan erased meanwhile is gone before the entries are read, or erased after the commit.
    lock_code_holders(wave_prep.campaign_id)
    # A market's selected rows sit together (wave prep writes them in market order): a cheap count.
    total = Allocation.objects.filter(
        wave_prep=wave_prep, market_id=market_id, outcome=AllocationOutcome.SELECTED
    ).count()
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
            cursor.execute(_APPLY_SQL, params)
            assigned, released, skipped = cursor.fetchone()
        else:
            cursor.execute(_SKIPPED_SQL, params)
            (skipped,) = cursor.fetchone()
            cursor.execute(_ASSIGN_SQL, params)
            assigned = cursor.rowcount  # codes now held by their planned fan (first or repeated run)
            cursor.execute(_RELEASE_SQL, params)
            released = cursor.rowcount
        lost = 0
        if assigned + released < total:
            cursor.execute(_LOST_SQL, params)
            (lost,) = cursor.fetchone()
        if postgresql:
            cursor.execute("RESET enable_hashjoin; RESET enable_mergejoin")
    AppliedMarket.objects.get_or_create(wave_prep=wave_prep, market_id=market_id, defaults={"date_applied": now})
    if wave_prep.date_selected is None:
        WavePrep.objects.filter(pk=wave_prep.pk, date_selected__isnull=True).update(date_selected=now)
        wave_prep.date_selected = now
    return {
        "eligible": prepped.get("eligible", 0),
        "selected": prepped.get("selected", total),
        "waitlisted": prepped.get("waitlisted", 0),
        "assigned": assigned,
        "released": released,
        "alreadyHolding": skipped,
        "releasedFromPlan": lost,
        "conflicts": max(0, total - assigned - released),
    }


def release_codes_planned_for(entry_ids: list[int], *, actor: Actor) -> int:
    """Release the codes wave preps reserved for the selected outcome rows of ``entry_ids`` and not yet assigned
    (privacy erasure, before the entries and their outcome rows go): nobody else waits 24 h for them.

    Returns: the number of codes released (one audit row per wave prep that had some).
    """
    planned: dict[tuple[str, Any], list[str]] = {}
    rows = (
        Allocation.objects.filter(entry_id__in=entry_ids, outcome=AllocationOutcome.SELECTED)
        .exclude(code="")
        .values_list("wave_prep__campaign_id", "wave_prep__reserve_id", "code")
    )
    for campaign_id, reserve_id, code in rows:
        planned.setdefault((campaign_id, reserve_id), []).append(code)
    return sum(
        release_planned_codes(campaign_id, reserve_id, codes, actor=actor)
        for (campaign_id, reserve_id), codes in sorted(planned.items(), key=lambda item: str(item[0]))
    )


def selection_email(campaign_name: str, market_name: str, email: str) -> EmailMessage:
    """The email a selected fan gets once their code is assigned (``notify_selection``; the admin's preview shows
    one). Returns: the unsent EmailMessage."""
    return EmailMessage(
        f"{campaign_name}: you're selected for {market_name}",
        f"Good news: you have been selected for the {campaign_name} presale in {market_name}. "
        "Your access code will be shown on the campaign page when the presale opens.",
        settings.DEFAULT_FROM_EMAIL,
        [email],
    )


def notify_selection(wave_prep_id: int, market_id: str) -> int:
    """Email each selected fan of the market whose code was assigned to them (once each); returns how many were sent.

    A selected fan whose code was not assigned — blocked or erased since the wave prep, or their code taken
    meanwhile — gets no email (catalog §3.7.1). The email says the fan is selected for the market; the code
    itself is revealed on the fan site (``options.showAccessCode`` and the presale window) and sent by the
    campaign's waves. The market's selection Stat counts the emails handed to the backend (``notified``).
    """
    wave_prep = WavePrep.objects.select_related("campaign").get(pk=wave_prep_id)
    market = Market.objects.get(pk=market_id)
    sent = 0
    while True:
        with transaction.atomic():
            rows = (
                Allocation.objects.select_for_update(skip_locked=connection.vendor == "postgresql")
                .filter(
                    wave_prep=wave_prep,
                    market_id=market_id,
                    outcome=AllocationOutcome.SELECTED,
                    date_notified__isnull=True,
                )
                .filter(
                    Exists(
                        Code.objects.filter(
                            campaign_id=wave_prep.campaign_id,
                            code=OuterRef("code"),
                            entry_id=OuterRef("entry_id"),
                            date_assigned__isnull=False,
                        )
                    )
                )
                .values_list("pk", "entry__email")[:NOTIFY_BATCH]
            )
            batch = list(rows)
            if not batch:
                _count_notified(wave_prep, market_id, sent)
                return sent
            Allocation.objects.filter(pk__in=[pk for pk, _ in batch]).update(date_notified=timezone.now())
        messages = [selection_email(wave_prep.campaign.name, market.name, email) for _, email in batch if email]
        # One connection to the email backend per batch (one SMTP session, not one per fan); a message that
        # fails is logged and the others still go.
        backend = get_connection()
        try:
            backend.open()
            for message in messages:
                try:
                    sent += backend.send_messages([message]) or 0
                except Exception:
                    logger.warning("selection email to a fan of market %s failed", market_id, exc_info=True)
        except Exception:
            logger.warning("selection emails of market %s: the email backend is unreachable", market_id, exc_info=True)
        finally:
            backend.close()


def _count_notified(wave_prep: WavePrep, market_id: str, sent: int) -> None:
    """Add ``sent`` to the ``notified`` count of the market's selection Stat (retries add up, never recount)."""
    if not sent:
        return
    with transaction.atomic():
        stat = (
            Stat.objects.select_for_update()
            .filter(campaign_id=wave_prep.campaign_id, market_id=market_id, date_id=wave_prep.date_key, type=STAT_TYPE)
            .first()
        )
        if stat is not None:
            count = dict(stat.count or {})
            count["notified"] = count.get("notified", 0) + sent
            Stat.objects.filter(pk=stat.pk).update(count=count, date_updated=timezone.now())
