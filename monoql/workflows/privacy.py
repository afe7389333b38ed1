"""Erasing one fan's data everywhere (catalog §3.6.9, §3.15): a workflow across every app.

It sits above the apps (``docs/architecture.md``): each app erases its own part through its services. An erasure
is a job (``Erasure``; REST answers 202, the command waits): in one transaction, under the per-campaign locks of
the fan's campaigns, the codes the fan held are detached (they stay used), the codes wave preps reserved for
them and not yet assigned are released, their registrations are deleted (entries, scores, verdicts, phone
verifications, fanlist records and invites naming them), the fan row goes; after that commit every stored CSV is
rewritten without the lines naming them and the export files of every campaign linked to them are deleted (the
export rows stay, marked removed). What names the fan is their ids, and an email or phone only when no other fan has
it (``entries.services.privacy.fan_identifiers``); blacklist rows and files are never touched
(decisions.md "Erasure takes only the fan's own").
"""

import logging

from django.conf import settings
from django.core import serializers
from django.db import transaction
from django.db.models import F, ForeignObjectRel, QuerySet
from django.utils import timezone

from accounts.models import Fan
from codes.services.inventory import detach_fan_codes, lock_code_holders
from entries.models import BlacklistEntry, DoNotSellChange, Entry, FanlistRecord, Invite
from entries.selection.services.prepped_zip import scrub_prepped_zips
from entries.selection.services.selection import release_codes_planned_for
from entries.selection.services.waves import scrub_wave_files
from entries.services.privacy import (
    erase_fan_registrations,
    fan_identifiers,
    find_fan,
    identifier_digests,
    identifiers_from_digests,
    linked_campaign_ids,
    own_verified_contacts,
    scrub_stored_files,
)
from exports.services.exports import remove_export_files_of
from monoql.audit import Actor, record, scrub_fan
from monoql.core_reasons import CoreReason
from monoql.dates import iso
from monoql.errors import DomainError, NotFound, Unavailable
from monoql.jobs import Heartbeat, Superseded, requeue_failed, sweep_stale
from monoql.models import Erasure, ErasureStatus
from monoql.queue import enqueue_on_commit

logger = logging.getLogger("monoql.privacy")

RUN_TASK = "privacy.run_erasure"

#: Fields never written into a fan's data export (credentials, not data about the fan).
SECRET_FIELDS = {"password", "token", "secret", "key_hash"}


#: Attempts an erasure job gets (a lock wait that ran out, a storage error) before it ends FAILED.
MAX_ATTEMPTS = 3
ACTIVE = (ErasureStatus.PENDING, ErasureStatus.ERASING, ErasureStatus.SCRUBBING)


class ErasureAttemptFailed(Exception):
    """An erasure attempt failed and another is allowed (the task retries it)."""


def queue_erasure(fan_id: str, *, actor: Actor) -> Erasure:
    """Queue the erasure of one fan as a job (``POST /api/privacy/erase`` answers 202 with it).

    The fan must exist now; the job (``run_erasure``) runs on a worker, or here when tasks run inline (the embedded
    default). Audited when the database part commits (``fan.erase``).
    Returns: the Erasure (PENDING; FINISHED or FAILED when run inline).
    Raises: NotFound ``FAN_NOT_FOUND`` (field ``fanId``).
    """
    fan = find_fan(fan_id)
    with transaction.atomic():
        erasure = Erasure.objects.create(
            fan_ref=fan.pk,
            actor=actor.fan,
            actor_label=actor.label[:255],
            actor_kind=actor.kind,
            channel=actor.channel,
            heartbeat_at=timezone.now(),  # queued: the sweeper re-queues it if no worker takes it
        )
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            enqueue_on_commit(RUN_TASK, erasure.pk)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return run_erasure_to_the_end(erasure.pk)
    return erasure


def erase_fan(fan_id: str, *, actor: Actor) -> dict:
    """Erase one fan's data everywhere, in this process, and report it (``manage.py privacy erase`` waits for it).

    Queues the job like REST does, then runs its attempts here (no worker needed at 3 a.m.; the heartbeat keeps the
    sweeper off it), so the audit log and the job list show it like any other.
    Returns: ``erasure_report`` of the finished job.
    Raises: NotFound ``FAN_NOT_FOUND`` (field ``fanId``); the job's error as Unavailable ``ERASURE_FAILED`` when it
        failed.
    """
    fan = find_fan(fan_id)
    with transaction.atomic():
        erasure = Erasure.objects.create(
            fan_ref=fan.pk,
            actor=actor.fan,
            actor_label=actor.label[:255],
            actor_kind=actor.kind,
            channel=actor.channel,
            heartbeat_at=timezone.now(),
        )
    erasure = run_erasure_to_the_end(erasure.pk)
    if erasure.status == ErasureStatus.FAILED:
        error = erasure.error or {}
        raise Unavailable(error.get("message") or "The erasure failed.", reason=CoreReason.ERASURE_FAILED)
    return {**erasure_report(erasure), "fanId": fan.pk}


def run_erasure_to_the_end(erasure_id: int) -> Erasure:
    """Run ``run_erasure`` attempts in this process until the job is FINISHED or FAILED (inline tasks, the command).
    Returns: the Erasure as it ended (or as another process left it when that process owns it)."""
    while True:
        try:
            erasure = run_erasure(erasure_id)
        except ErasureAttemptFailed:
            continue
        return erasure or Erasure.objects.get(pk=erasure_id)


def run_erasure(erasure_id: int) -> Erasure | None:
    """Run one attempt of a PENDING erasure job (the Celery task ``privacy.run_erasure`` calls this).

    1. **Database part**, unless an earlier attempt committed it: in one transaction, under the exclusive
       code-holder locks of the fan's campaigns only (taken in sorted order, ``_lock_linked_campaigns``) and the fan's
       row: the codes they held are detached (they stay used), the codes wave preps reserved for them and not yet
       assigned are released, their registrations go (entries, scores, verdicts, phone verifications, fanlist
       records and invites naming them), the fan row goes, the audit log forgets them and records ``fan.erase``;
       the job row keeps digests of what names them (``identifier_digests``). Assignment in other campaigns and
       waves never wait for it.
    2. **Files**, after that commit: uploaded CSVs, wave recipient files and prepped zips are rewritten without the
       fan's lines, and every export file of the linked campaigns is deleted (an export being written meanwhile
       sees the ``fan.erase`` row and writes itself again: ``exports.services.exports.erasures_of``). Then the job
       forgets the fan (id and digests) and is FINISHED.
    Each final write is fenced by the attempt (``monoql.jobs``); a failed attempt goes back to PENDING while
    attempts remain (the database part is never done twice), else FAILED.
    Returns: the Erasure, or None when it was not PENDING (another attempt has it).
    Raises: ErasureAttemptFailed when this attempt failed and another is allowed.
    """
    now = timezone.now()
    claimed = Erasure.objects.filter(pk=erasure_id, status=ErasureStatus.PENDING).update(
        status=ErasureStatus.ERASING, attempts=F("attempts") + 1, heartbeat_at=now, date_started=now
    )
    if not claimed:
        return None
    erasure = Erasure.objects.get(pk=erasure_id)
    fence = erasure.attempts
    mine = Erasure.objects.filter(pk=erasure.pk, attempts=fence, status__in=ACTIVE)
    actor = _actor(erasure)
    try:
        with Heartbeat(Erasure._meta.db_table, erasure.pk, fence):
            if erasure.date_erased is None:
                _erase_database(erasure, mine, actor)
                erasure.refresh_from_db()
            _scrub_files(erasure, mine)
    except Superseded:
        logger.warning("erasure %s attempt %s was superseded", erasure.pk, fence)
    except NotFound as error:  # the fan is gone (erased by another job): nothing left to do
        mine.update(status=ErasureStatus.FAILED, error=_error_document(error), date_finished=timezone.now())
    except Exception as error:
        logger.warning("erasure %s attempt %s failed", erasure.pk, fence, exc_info=True)
        document = {"message": f"{type(error).__name__}: {error}"[:2000], "reason": "ERASURE_FAILED"}
        if isinstance(error, DomainError):
            document = _error_document(error)
        if fence < MAX_ATTEMPTS:
            mine.update(status=ErasureStatus.PENDING, error=document, stage="waiting for the next attempt")
            raise ErasureAttemptFailed(document["message"]) from error
        mine.update(status=ErasureStatus.FAILED, error=document, date_finished=timezone.now())
    return Erasure.objects.get(pk=erasure.pk)


def _actor(erasure: Erasure) -> Actor:
    """Who asked for the erasure and through which door (the job acts for them)."""
    return Actor(erasure.actor_kind, erasure.channel, erasure.actor_label, erasure.actor)


def _error_document(error: DomainError) -> dict:
    return {"message": error.message, "reason": error.reason, "field": error.field}


def _erase_database(erasure: Erasure, mine, actor: Actor) -> None:
    """The database part of ``run_erasure``, in one transaction; the job row's update is fenced."""
    mine.update(stage="erasing from the database")
    fan = find_fan(erasure.fan_ref)
    with transaction.atomic():
        identifiers = fan_identifiers(fan)
        campaign_ids = _lock_linked_campaigns(fan, identifiers)
        entry_ids = list(Entry.objects.filter(fan=fan).values_list("pk", flat=True))
        report = {
            "codesDetached": detach_fan_codes(fan.pk),
            "codesReleased": release_codes_planned_for(entry_ids, actor=actor),
            **erase_fan_registrations(fan, identifiers),
        }
        fan_id = fan.pk
        fan.delete()
        scrub_fan(fan_id)
        record(actor, "fan.erase", target="fan", changes={**report, "campaigns": campaign_ids, "job": erasure.pk})
        if not mine.update(
            status=ErasureStatus.SCRUBBING,
            stage="scrubbing stored files",
            digests=identifier_digests(identifiers),
            campaigns=campaign_ids,
            report=report,
            date_erased=timezone.now(),
        ):
            raise Superseded(f"erasure {erasure.pk}: attempt {erasure.attempts} was superseded")


def _scrub_files(erasure: Erasure, mine) -> None:
    """The files part of ``run_erasure`` (idempotent: an attempt after a lost one scrubs again, finding less)."""
    identifiers = identifiers_from_digests(erasure.digests or {})
    campaign_ids = list(erasure.campaigns or [])
    files: list[str] = []
    lines = 0
    for stage, scrub in (
        ("uploaded files", lambda: scrub_stored_files(identifiers, campaign_ids)),
        ("wave recipient files", lambda: scrub_wave_files(campaign_ids, identifiers)),
        ("prepped files", lambda: scrub_prepped_zips(campaign_ids, identifiers)),
    ):
        mine.update(stage=f"scrubbing {stage}")
        more_files, more_lines = scrub()
        files, lines = files + more_files, lines + more_lines
    mine.update(stage="removing export files")
    export_files = remove_export_files_of(campaign_ids)
    report = {**(erasure.report or {}), "fileLines": lines, "files": files, "exportFiles": export_files}
    with transaction.atomic():
        if not mine.update(
            status=ErasureStatus.FINISHED,
            stage="",
            report=report,
            digests=None,
            fan_ref="",
            error=None,
            date_finished=timezone.now(),
        ):
            raise Superseded(f"erasure {erasure.pk}: attempt {erasure.attempts} was superseded")
        counts = {"fileLines": lines, "files": len(files), "exportFiles": export_files, "job": erasure.pk}
        record(_actor(erasure), "fan.eraseFiles", target="fan", changes={**counts, "campaigns": campaign_ids})


def erasure_report(erasure: Erasure) -> dict:
    """What an erasure removed: ``{"fanId" (until it finishes, else None), "entries", "phoneVerifications",
    "codesDetached", "codesReleased", "fanlistRecords", "invites", "fileLines", "files": [storage keys rewritten],
    "exportFiles"}`` (counts; the file counts once FINISHED)."""
    return {"fanId": erasure.fan_ref or None, **(erasure.report or {})}


def erasure_document(erasure: Erasure) -> dict:
    """The job as REST shows it (``GET /api/privacy/erasures/<id>``): ``{"erasureId", "status", "stage",
    "attempts", "report" (``erasure_report`` without the fan's id), "error", "dateCreated", "dateErased",
    "dateFinished"}`` (dates UTC ISO-8601 or None)."""
    report = {key: value for key, value in erasure_report(erasure).items() if key != "fanId"}
    return {
        "erasureId": str(erasure.pk),
        "status": erasure.status,
        "stage": erasure.stage,
        "attempts": erasure.attempts,
        "report": report or None,
        "error": erasure.error,
        "dateCreated": iso(erasure.date_created),
        "dateErased": iso(erasure.date_erased) if erasure.date_erased else None,
        "dateFinished": iso(erasure.date_finished) if erasure.date_finished else None,
    }


def find_erasure(erasure_id) -> Erasure:
    """The erasure job ``erasure_id``. Raises NotFound ``ERASURE_NOT_FOUND`` (field ``erasureId``)."""
    erasure = Erasure.objects.filter(pk=int(erasure_id)).first() if str(erasure_id).isdigit() else None
    if erasure is None:
        raise NotFound("No such erasure.", reason=CoreReason.ERASURE_NOT_FOUND, field="erasureId")
    return erasure


def retry_erasure(erasure_id, *, actor: Actor) -> Erasure:
    """Run a FAILED erasure again: back to PENDING and queued (run here when tasks run inline), a new attempt under
    the same fence (the retry gets one attempt); it goes on from where it stopped (files only, when the database
    part had committed). One audit-log row, ``fan.eraseRetry`` (no personal data).

    Returns: the Erasure. Raises: NotFound ``ERASURE_NOT_FOUND``; Unavailable ``ERASURE_FAILED`` when it had not
        failed (nothing to retry).
    """
    erasure = find_erasure(erasure_id)
    with transaction.atomic():
        if not requeue_failed(
            Erasure, erasure.pk, failed=ErasureStatus.FAILED, pending=ErasureStatus.PENDING, task=RUN_TASK
        ):
            raise Unavailable(f"This erasure is {erasure.status}: nothing to retry.", reason=CoreReason.ERASURE_FAILED)
        record(actor, "fan.eraseRetry", target=f"erasure:{erasure.pk}")
    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            run_erasure(erasure.pk)
        except ErasureAttemptFailed:
            pass
    return Erasure.objects.get(pk=erasure.pk)


def sweep_stale_erasures(now=None) -> dict:
    """Re-queue erasure jobs whose heartbeat is older than ``JOB_STALE_SECONDS`` (worker lost, task never ran);
    FAILED once ``MAX_ATTEMPTS`` are spent (``monoql.jobs.sweep_stale``). Returns ``{"requeued": [ids],
    "failed": [ids]}``. Beat: ``privacy.sweep_stale_erasures``."""
    return sweep_stale(
        Erasure,
        pending=ErasureStatus.PENDING,
        running=(ErasureStatus.ERASING, ErasureStatus.SCRUBBING),
        failed=ErasureStatus.FAILED,
        max_attempts=MAX_ATTEMPTS,
        task=RUN_TASK,
        lost=lambda attempts: {
            "error": {"message": f"The worker was lost after {attempts} attempts.", "reason": "ERASURE_FAILED"}
        },
        now=now,
    )


def _lock_linked_campaigns(fan, identifiers) -> list[str]:
    """Take the exclusive code-holder locks of every campaign linked to ``fan`` (assignments in flight there finish
    first; later ones find the fan gone), then the fan's row (``FOR UPDATE``: a wave holding it, in any campaign,
    finishes first, and later ones find the fan gone, ``accounts.services.hold_fan``). When the linked campaigns
    grew meanwhile, the row is let go (savepoint) and the new campaigns locked too, so locks are always taken
    campaigns first, in sorted order: no deadlock with a writer holding a campaign and waiting for the row.
    Returns: the campaign ids.
    """
    locked: list[str] = []
    while True:
        campaign_ids = linked_campaign_ids(fan, identifiers)
        locked = sorted(set(locked) | set(campaign_ids))
        lock_code_holders(locked, exclusive=True)
        savepoint = transaction.savepoint()
        list(Fan.objects.select_for_update().filter(pk=fan.pk).values_list("pk", flat=True))
        if set(linked_campaign_ids(fan, identifiers)) <= set(locked):
            transaction.savepoint_commit(savepoint)
            return locked
        transaction.savepoint_rollback(savepoint)


def _rows(queryset) -> list[dict]:
    rows = []
    for row in serializers.serialize("python", queryset):
        fields = {name: value for name, value in row["fields"].items() if name not in SECRET_FIELDS}
        rows.append({"id": row["pk"], **fields})
    return rows


def fan_data(fan_id: str) -> dict:
    """Everything stored about one fan (GDPR art. 15, CCPA "right to know"), as JSON-ready data.

    Every table with a row pointing at the fan or at one of their entries is found from the models'
    relations (so a new table is never forgotten), plus the rows naming them by identifier (fanlist records,
    invites) naming them by an identifier only they have (``fan_identifiers``), the blacklist rows matching their
    own verified email or a phone they confirmed, and the audit of their ``doNotSell`` flag.
    Returns: ``{"fanId", "generatedAt" (UTC ISO-8601), "tables": {"app.model": [{"id", field: value…}]}}``;
        only tables holding something are listed; dates are UTC ISO-8601 strings once JSON-encoded.
    Raises: NotFound ``FAN_NOT_FOUND`` (field ``fanId``).
    """
    fan = find_fan(fan_id)
    texts, _ = fan_identifiers(fan)
    entry_ids = list(Entry.objects.filter(fan=fan).values_list("pk", flat=True))
    querysets: list[QuerySet] = [Fan.objects.filter(pk=fan.pk)]
    for model, target in ((Fan, [fan.pk]), (Entry, entry_ids)):
        for relation in model._meta.get_fields(include_hidden=True):
            if isinstance(relation, ForeignObjectRel) and relation.related_model is not None:
                manager = relation.related_model._default_manager
                querysets.append(manager.filter(**{f"{relation.field.name}__in": target}))
    querysets += [
        FanlistRecord.objects.filter(identifier__in=texts),
        Invite.objects.filter(value__in=texts),
        BlacklistEntry.objects.filter(value__in=own_verified_contacts(fan)),
        DoNotSellChange.objects.filter(fan_ref=fan.pk),
    ]
    tables: dict[str, list] = {}
    for queryset in querysets:
        rows = _rows(queryset.order_by("pk"))
        if rows:
            label = queryset.model._meta.label_lower
            known = {row["id"] for row in tables.get(label, [])}
            tables.setdefault(label, []).extend(row for row in rows if row["id"] not in known)
    return {"fanId": fan.pk, "generatedAt": iso(timezone.now()), "tables": tables}
