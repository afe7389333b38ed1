"""Schedule, run, expire and purge exports (catalog §2.4, §3.9; decisions.md "Exports").

``schedule_export`` creates a PENDING row (or returns the active one for the same campaign + type +
dateKey) and queues ``run_export`` after commit. ``run_export`` claims the row (PENDING → TRIGGERED by a
conditional update, so one worker runs it), streams the exporter's rows from a server-side cursor into a
local temporary file (constant memory), hashing as it goes, then publishes the complete file under its
final key and marks it FINISHED with ``count``, ``size`` and ``checksum``; when a fan of the campaign was erased
while it was written, it is written again (``erasures_of``). A failure goes back to PENDING
for the Celery retry while attempts remain (``EXPORT_MAX_ATTEMPTS``), else FAILED with the message; a row
stuck in TRIGGERED past ``EXPORT_TIMEOUT_SECONDS`` becomes EXPIRED; finished files older than
``EXPORT_RETENTION_DAYS`` are deleted.
"""

import hashlib
import logging
import os
import time
import traceback
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from campaigns.reasons import CampaignsReason
from campaigns.selectors import campaign_or_404
from codes.reasons import CodesReason
from exports.exporters import exporter_for
from exports.models import ACTIVE_STATUSES, Export, ExportAccess, ExportStatus
from exports.reasons import ExportsReason
from exports.services.files import final_key, publish
from monoql.audit import Actor, AuditEntry, record
from monoql.errors import NotFound, ValidationFailed
from monoql.jobs import Heartbeat, SideProgress, Superseded, job_temp_file, remove_quietly, stale_cutoff
from monoql.keys import check_date_key
from monoql.queue import enqueue_on_commit
from monoql.reasons import EXPORT_REST

logger = logging.getLogger("monoql.exports")
RUN_TASK = "exports.run_export"
PROGRESS_EVERY = 10_000


def record_access(campaign_id: str, requester_user_id: str, action: str, channel: str, export=None) -> None:
    """Log one request touching exports (they carry personal data): who, what, through which door."""
    ExportAccess.objects.create(
        campaign_id=campaign_id,
        export=export,
        action=action,
        requester_user_id=requester_user_id or "",
        channel=channel,
    )
    logger.info(
        "export access",
        extra={
            "campaign_id": campaign_id,
            "export_id": getattr(export, "pk", None),
            "action": action,
            "requester": requester_user_id,
            "channel": channel,
        },
    )


def schedule_export(
    *,
    campaign_id: str,
    export_type: str,
    date_key: str | None = None,
    include_all_markets: bool = False,
    actor: Actor,
) -> tuple[Export, bool]:
    """Queue an export; returns ``(export, created)`` — ``created`` False when the same campaign + type +
    dateKey is already PENDING or TRIGGERED (that one is returned).

    Args: ``actor``: who asked (the staff fan is recorded as the export's requester): one audit-log row
        (``export.schedule``) and the exports' own access trail.

    Raises: ValidationFailed ``InvalidExportType`` (field ``type``), ``InvalidDateKey``/``InvalidDateKeyType``
        (field ``dateKey``); NotFound ``CampaignNotFound`` (field ``campaignId``).
    """
    exporter = exporter_for(export_type)
    date_key = check_date_key(date_key, required=False)
    campaign = campaign_or_404(campaign_id, reason=CampaignsReason.CAMPAIGN_NOT_FOUND.spelled(EXPORT_REST))
    exporter.validate(campaign, date_key)
    requester_user_id = actor.fan_id or f"{actor.kind}:{actor.label}"[:64]
    summary = {"type": export_type, "dateKey": date_key}
    active = Export.objects.filter(
        campaign=campaign, export_type=export_type, date_key=date_key, status__in=ACTIVE_STATUSES
    )
    existing = active.first()
    created = False
    if existing is None:
        try:
            with transaction.atomic():
                existing = Export.objects.create(
                    campaign=campaign,
                    export_type=export_type,
                    date_key=date_key,
                    include_all_markets=bool(include_all_markets),
                    requester=actor.fan,
                    requester_user_id=requester_user_id,
                    content_type=exporter.content_type,
                    heartbeat_at=timezone.now(),  # queued: the sweeper re-queues it if no worker takes it
                )
                enqueue_on_commit(RUN_TASK, existing.pk)
                record_access(campaign.pk, requester_user_id, "schedule", actor.channel, existing)
                changes = {**summary, "created": True}
                record(
                    actor, "export.schedule", campaign_id=campaign.pk, target=f"export:{existing.pk}", changes=changes
                )
                created = True
        except IntegrityError:
            existing = active.first()
            if existing is None:
                raise
    if not created:
        with transaction.atomic():
            record_access(campaign.pk, requester_user_id, "schedule", actor.channel, existing)
            changes = {**summary, "created": False}
            record(actor, "export.schedule", campaign_id=campaign.pk, target=f"export:{existing.pk}", changes=changes)
    return existing, created


def _claim(export_id: str) -> Export | None:
    now = timezone.now()
    claimed = Export.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.TRIGGERED, date_triggered=now, heartbeat_at=now, rows_written=0, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return Export.objects.select_related("campaign").get(pk=export_id)


class _HashingFile:
    """A binary file wrapper that hashes and counts what is written, at most ``bytes_per_second``.

    The cap (``EXPORT_MAX_BYTES_PER_SECOND``, 0 = none) keeps an export from taking the CPU that
    registrations need: the writer sleeps when ahead of it, and a COPY's database backend waits with it.
    """

    def __init__(self, handle, bytes_per_second: int = 0):
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.bytes_per_second = bytes_per_second
        self.started = time.monotonic()

    def write(self, data):
        self.sha256.update(data)
        self.size += len(data)
        written = self.handle.write(data)
        if self.bytes_per_second:
            ahead = self.size / self.bytes_per_second - (time.monotonic() - self.started)
            if ahead > 0.01:
                time.sleep(ahead)
        return written

    def writable(self):
        return True

    def readable(self):
        return False

    def seekable(self):
        return False

    def flush(self):
        self.handle.flush()

    @property
    def closed(self):
        return self.handle.closed

    def tell(self):
        return self.size


def run_export(export_id: str) -> Export | None:
    """Run one PENDING export (see the module docstring). Returns the export, or None when not claimed.

    Raises: the exporter's error after marking the row PENDING again (a retry will follow) when attempts
        remain; otherwise the row is FAILED and nothing is raised.
    """
    export = _claim(export_id)
    if export is None:
        return None
    fence = export.attempts
    current = Export.objects.filter(pk=export.pk, status=ExportStatus.TRIGGERED, attempts=fence)
    exporter = exporter_for(export.export_type)
    local_path = ""
    try:
        seen = erasures_of(export.campaign_id)
        for _ in range(ERASURE_REWRITES + 1):
            fd, local_path = job_temp_file(f"export-{export.pk}", f".{exporter.extension}")
            with (
                Heartbeat(Export._meta.db_table, export.pk, fence),
                os.fdopen(fd, "wb") as handle,
                SideProgress(Export._meta.db_table, export.pk, "rows_written") as progress,
            ):
                out = _HashingFile(handle, settings.EXPORT_MAX_BYTES_PER_SECOND)
                count = exporter.write(export, out, progress)
            if not current.exists():  # the fence: a newer attempt owns the export (this one was given up for dead)
                raise Superseded(f"export {export.pk}: attempt {fence} was superseded")
            key = publish(local_path, final_key(export, exporter.extension), exporter.content_type)
            remove_quietly(local_path)
            current.update(
                status=ExportStatus.FINISHED,
                count=count,
                rows_written=count,
                path=key,
                size=out.size,
                checksum=out.sha256.hexdigest(),
                content_type=exporter.content_type,
                error_message="",
                date_finished=timezone.now(),
            )
            # An erasure of a fan of this campaign that committed while the rows were read may be in the file: take
            # it down and write it again. One committing after this check finds the file published and removes it
            # itself (``remove_export_files_of`` runs after the erasure commits): no file ever keeps an erased fan.
            fresh = erasures_of(export.campaign_id) - seen
            if not fresh:
                break
            seen |= fresh
            Export.objects.filter(pk=export.pk, attempts=fence).update(status=ExportStatus.TRIGGERED, path="")
            default_storage.delete(key)
            logger.info("export %s: an erasure reached its campaign while it was written; writing it again", export.pk)
        else:
            raise RuntimeError("fans of the campaign kept being erased while the export was written")
    except Superseded:
        logger.warning("export %s attempt %s was superseded by a newer attempt; nothing published", export.pk, fence)
    except Exception as error:
        retry = fence < settings.EXPORT_MAX_ATTEMPTS
        current.update(
            status=ExportStatus.PENDING if retry else ExportStatus.FAILED,
            error_message=str(error)[:2000] or error.__class__.__name__,
            error_payload={"type": error.__class__.__name__, "stack": traceback.format_exc(limit=8)[-4000:]},
            date_failed=None if retry else timezone.now(),
        )
        logger.warning("export %s failed (attempt %s)", export.pk, export.attempts, exc_info=True)
        if retry:
            raise
    finally:
        remove_quietly(local_path)
    return Export.objects.get(pk=export.pk)


#: How often an export is written again because erasures of its campaign's fans committed while it was written.
ERASURE_REWRITES = 3
#: An erasure's audit row is written inside its transaction, before it commits: rows this recent are compared.
ERASURE_HORIZON = timedelta(days=1)


def erasures_of(campaign_id: str) -> set[int]:
    """Ids of the committed erasures (audit rows ``fan.erase``, ``monoql.workflows.privacy``) of the last
    ``ERASURE_HORIZON`` that reached ``campaign_id``: compared before and after an export is written, a new id is an
    erasure that committed in between (issue 36). Returns: a set of audit-row ids."""
    rows = AuditEntry.objects.filter(
        action="fan.erase", date_created__gte=timezone.now() - ERASURE_HORIZON
    ).values_list("pk", "changes")
    return {pk for pk, changes in rows if campaign_id in ((changes or {}).get("campaigns") or [])}


def retry_export(export_id: int, *, campaign_id: str, actor: Actor) -> Export:
    """Run a FAILED or EXPIRED export again, on the same row: back to PENDING and queued; its attempt number keeps
    growing (the fence), and this retry gets one more attempt. One audit-log row, ``export.retry``.

    Returns: the Export (PENDING, or its outcome when tasks run inline).
    Raises: NotFound ``ExportNotFound`` (field ``exportId``); ValidationFailed ``NOT_RETRYABLE`` when it did not fail.
    """
    export = Export.objects.filter(pk=export_id, campaign_id=campaign_id).first()
    if export is None:
        raise NotFound("Export not found.", reason=ExportsReason.ExportNotFound, field="exportId")
    with transaction.atomic():
        try:
            with transaction.atomic():
                retried = Export.objects.filter(
                    pk=export.pk, status__in=[ExportStatus.FAILED, ExportStatus.EXPIRED]
                ).update(status=ExportStatus.PENDING, error_message="", heartbeat_at=timezone.now(), date_failed=None)
        except IntegrityError:
            raise ValidationFailed(
                "Another export of this type and dateKey is running already.",
                reason=CodesReason.NOT_RETRYABLE,
                field="exportId",
            ) from None
        if not retried:
            raise ValidationFailed(
                f"Only a failed export can be retried; this one is {export.status}.",
                reason=CodesReason.NOT_RETRYABLE,
                field="exportId",
            )
        record(
            actor,
            "export.retry",
            campaign_id=campaign_id,
            target=f"export:{export.pk}",
            changes={"attempts": export.attempts},
        )
        enqueue_on_commit(RUN_TASK, export.pk)
    export.refresh_from_db()
    return export


def expire_stuck_exports(now=None) -> int:
    """Mark exports TRIGGERED longer than ``EXPORT_TIMEOUT_SECONDS`` as EXPIRED, even with a live heartbeat
    (a runaway export); returns how many. Scheduling the same export again then makes a new one."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.EXPORT_TIMEOUT_SECONDS)
    return Export.objects.filter(status=ExportStatus.TRIGGERED, date_triggered__lt=cutoff).update(
        status=ExportStatus.EXPIRED, date_expired=now
    )


def sweep_stale_exports(now=None) -> dict:
    """Re-queue the exports whose heartbeat is older than ``JOB_STALE_SECONDS``: PENDING ones whose task never
    ran (or was lost with its broker message), TRIGGERED ones whose worker died (back to PENDING); FAILED
    when ``EXPORT_MAX_ATTEMPTS`` are spent. Then runaway exports expire (``expire_stuck_exports``).

    Returns: ``{"requeued": [ids], "failed": [ids], "expired": n}``. Beat: ``exports.sweep_stale_exports``.
    """
    now = now or timezone.now()
    cutoff = stale_cutoff(now)
    stale = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, date_created__lt=cutoff)
    done: dict = {"requeued": [], "failed": []}
    active = Export.objects.filter(stale, status__in=ACTIVE_STATUSES)
    for export_id, status, attempts in active.values_list("pk", "status", "attempts"):
        with transaction.atomic():
            same = Export.objects.filter(stale, pk=export_id, status=status, attempts=attempts)
            if attempts >= settings.EXPORT_MAX_ATTEMPTS and status == ExportStatus.TRIGGERED:
                if same.update(
                    status=ExportStatus.FAILED,
                    error_message=f"The worker was lost after {attempts} attempts.",
                    date_failed=now,
                ):
                    done["failed"].append(export_id)
            elif same.update(status=ExportStatus.PENDING, heartbeat_at=now):
                enqueue_on_commit(RUN_TASK, export_id)
                done["requeued"].append(export_id)
    done["expired"] = expire_stuck_exports(now)
    if done["requeued"] or done["failed"]:
        logger.warning("stale exports: %s", done)
    return done


def purge_old_exports(*, actor: Actor, now=None) -> int:
    """Delete files of exports finished more than ``EXPORT_RETENTION_DAYS`` ago (rows stay); returns how many. Each file
    removed writes one audit-log row by ``actor`` (``export.purge``, naming the export)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    removed = 0
    for export in Export.objects.filter(date_finished__lt=cutoff, date_file_removed__isnull=True).exclude(path=""):
        if default_storage.exists(export.path):
            default_storage.delete(export.path)
        with transaction.atomic():
            Export.objects.filter(pk=export.pk).update(date_file_removed=now)
            record(actor, "export.purge", campaign_id=export.campaign_id, target=f"export:{export.pk}")
        removed += 1
    return removed


def remove_export_files_of(campaign_ids: list[str]) -> int:
    """Delete the export files of ``campaign_ids`` after a fan's erasure (catalog §3.9 "CCPA delete").

    Every type loses its file — ``verifiedEntries``, ``scoring`` and ``autoReminderEmail`` too, which the
    catalog's erase kept (decisions.md "Erasure reaches every file"); the export rows stay, marked removed
    (``date_file_removed``), and their links no longer download. Returns: the number of files removed.
    """
    removed = 0
    exports = Export.objects.filter(campaign_id__in=campaign_ids, date_file_removed__isnull=True).exclude(path="")
    for export in exports:
        if default_storage.exists(export.path):
            default_storage.delete(export.path)
        Export.objects.filter(pk=export.pk).update(date_file_removed=timezone.now())
        removed += 1
    return removed
