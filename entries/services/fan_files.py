"""Fan files uploaded from the staff console as queued jobs (issue 38): scored files, invite lists, fanlists and the
blacklist, like code uploads (``codes.services.upload_jobs``).

``queue_fan_file`` stores the file and records a ``FanFileUpload`` (PENDING); ``run_fan_file`` (the Celery task
``entries.run_fan_file``) claims it and calls the same service as the GraphQL upload (``upload_scored``,
``upload_invites``, ``upload_fanlist``, ``upload_blacklist``) on the stored file, then keeps its counts and a sentence
— or the file's first bad line, in words — and removes the stored copy. A bad file is never retried; another
failure is retried once; ``sweep_stale_fan_files`` re-queues a job whose worker was lost.
"""

import logging
import uuid

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from campaigns.reasons import CampaignsReason
from codes.reasons import CodesReason
from entries.models import FanFileKind, FanFileUpload, UploadStatus
from entries.reasons import EntriesReason
from entries.services.blacklist import upload_blacklist
from entries.services.fanlist import upload_fanlist
from entries.services.invites import upload_invites
from entries.services.scoring import upload_scored
from monoql.audit import Actor, record
from monoql.errors import DomainError, ValidationFailed
from monoql.jobs import Heartbeat, Superseded, requeue_failed, sweep_stale
from monoql.queue import enqueue_on_commit

logger = logging.getLogger("monoql.entries")

RUN_TASK = "entries.run_fan_file"
MAX_ATTEMPTS = 2
ACTIVE = (UploadStatus.PENDING, UploadStatus.PROCESSING)


class FanFileAttemptFailed(Exception):
    """An attempt failed for a reason other than the file's content and another attempt is allowed."""


def queue_fan_file(kind: str, stream, *, campaign=None, file_name: str = "", actor: Actor) -> FanFileUpload:
    """Store an uploaded fan file and queue the job that reads it (runs at once when tasks run inline).

    Args: ``kind``: a ``FanFileKind`` value; ``stream``: binary file-like object; ``campaign``: the campaign (None for
        the blacklist, which applies to every campaign); ``actor``: who uploads (the services write the audit row).
    Returns: the FanFileUpload (PENDING, or FINISHED/FAILED when run inline).
    Raises: ValidationFailed ``FILE_TOO_LARGE`` (field ``file``) before anything is stored.
    """
    if kind not in FanFileKind.values:
        raise ValidationFailed(
            f"Unknown kind of fan file '{kind}'.", reason=EntriesReason.INVALID_FILE_KIND, field="kind"
        )
    limit = settings.SCORING_UPLOAD_MAX_BYTES
    size = getattr(stream, "size", None)
    if size is not None and size > limit:
        raise ValidationFailed(
            f"The file is larger than {limit} bytes.", reason=CodesReason.FILE_TOO_LARGE, field="file"
        )
    folder = f"uploads/{kind}/{campaign.pk if campaign else 'all'}"
    key = default_storage.save(f"{folder}/{uuid.uuid4().hex}.csv", File(stream))
    with transaction.atomic():
        upload = FanFileUpload.objects.create(
            kind=kind,
            campaign=campaign,
            file_key=key,
            file_name=str(file_name or getattr(stream, "name", "") or f"{kind}.csv")[:255],
            size=default_storage.size(key),
            actor=actor.fan,
            actor_label=actor.label[:255],
            channel=actor.channel,
            heartbeat_at=timezone.now(),
        )
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            enqueue_on_commit(RUN_TASK, upload.pk)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        while True:
            try:
                run_fan_file(upload.pk)
                break
            except FanFileAttemptFailed:
                continue
    return FanFileUpload.objects.get(pk=upload.pk)


def run_fan_file(upload_id: int) -> FanFileUpload | None:
    """Run one attempt of a PENDING fan-file job (the Celery task calls this).

    Returns: the FanFileUpload (FINISHED or FAILED), or None when it was not PENDING (another attempt has it).
    Raises: FanFileAttemptFailed when this attempt failed for another reason than the file and may be retried.
    """
    now = timezone.now()
    claimed = FanFileUpload.objects.filter(pk=upload_id, status=UploadStatus.PENDING).update(
        status=UploadStatus.PROCESSING, attempts=F("attempts") + 1, heartbeat_at=now
    )
    if not claimed:
        return None
    upload = FanFileUpload.objects.select_related("campaign", "actor").get(pk=upload_id)
    fence = upload.attempts
    mine = FanFileUpload.objects.filter(pk=upload.pk, status=UploadStatus.PROCESSING, attempts=fence)
    actor = Actor("staff", upload.channel, upload.actor_label, upload.actor)
    try:
        with Heartbeat(FanFileUpload._meta.db_table, upload.pk, fence), transaction.atomic():
            with default_storage.open(upload.file_key, "rb") as handle:
                result, summary = _read(upload, handle, actor)
            if not mine.update(
                status=UploadStatus.FINISHED, result=result, summary=summary[:500], date_finished=timezone.now()
            ):
                raise Superseded(f"fan file {upload.pk}: attempt {fence} was superseded")
    except Superseded:
        logger.warning("fan file %s attempt %s was superseded; rolled back", upload.pk, fence)
        return FanFileUpload.objects.get(pk=upload.pk)
    except DomainError as error:  # the file's content (or the campaign's set-up): retrying cannot help
        document = {"message": error.message, "reason": error.reason, "field": error.field, **(error.extra or {})}
        mine.update(
            status=UploadStatus.FAILED, error=document, summary=error.message[:500], date_finished=timezone.now()
        )
    except Exception as error:
        logger.warning("fan file %s attempt %s failed", upload.pk, fence, exc_info=True)
        document = {"message": f"{type(error).__name__}: {error}"[:2000], "reason": "UPLOAD_FAILED"}
        if fence < MAX_ATTEMPTS:
            mine.update(status=UploadStatus.PENDING, error=document)
            raise FanFileAttemptFailed(document["message"]) from error
        mine.update(
            status=UploadStatus.FAILED, error=document, summary="The upload failed.", date_finished=timezone.now()
        )
    upload = FanFileUpload.objects.get(pk=upload.pk)
    if upload.status == UploadStatus.FINISHED or (upload.status == UploadStatus.FAILED and not retryable(upload)):
        default_storage.delete(upload.file_key)  # a job that may be retried keeps its file
    return upload


def retryable(upload: FanFileUpload) -> bool:
    """True when a FAILED fan-file job failed for something else than its file (a lost worker, a database or storage
    error): ``retry_fan_file`` may run it again on the file it kept."""
    return upload.status == UploadStatus.FAILED and (upload.error or {}).get("reason") == "UPLOAD_FAILED"


def retry_fan_file(upload_id: int, *, actor: Actor) -> FanFileUpload:
    """Run a FAILED fan-file job again on its kept file: back to PENDING and queued, a new attempt under the same fence
    (the retry gets one attempt). One audit-log row, ``fanFile.retry``.

    Returns: the FanFileUpload (PENDING, or its outcome when tasks run inline).
    Raises: ValidationFailed ``NOT_RETRYABLE`` (field ``uploadId``) when it did not fail, failed on its content (fix
        the file and upload it again) or its file is gone.
    """
    upload = FanFileUpload.objects.filter(pk=upload_id).first()
    if upload is None or not retryable(upload) or not default_storage.exists(upload.file_key):
        raise ValidationFailed(
            "Only an upload that failed for another reason than its file can be retried; upload the file again.",
            reason=CodesReason.NOT_RETRYABLE,
            field="uploadId",
        )
    with transaction.atomic():
        if not requeue_failed(
            FanFileUpload, upload.pk, failed=UploadStatus.FAILED, pending=UploadStatus.PENDING, task=RUN_TASK
        ):
            raise ValidationFailed(
                "The upload is no longer failed.", reason=CodesReason.NOT_RETRYABLE, field="uploadId"
            )
        record(actor, "fanFile.retry", campaign_id=upload.campaign_id, target=f"fanFile:{upload.pk}")
    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            run_fan_file(upload.pk)
        except FanFileAttemptFailed:
            pass
    return FanFileUpload.objects.get(pk=upload.pk)


def _read(upload: FanFileUpload, handle, actor: Actor) -> tuple[dict, str]:
    """Call the upload service of the job's kind on the stored file; ``(counts, sentence)``."""
    if upload.kind == FanFileKind.BLACKLIST:
        result = upload_blacklist(stream=handle, declared_size=None, file_name=upload.file_name, actor=actor)
        counts = {key: result[key] for key in ("in", "added", "entriesBlocked")}
        return counts, (
            f"{result['in']} values read, {result['added']} new to the blacklist, "
            f"{result['entriesBlocked']} entries blocked."
        )
    campaign = upload.campaign
    if campaign is None:
        raise ValidationFailed(
            "This upload names no campaign.", reason=CampaignsReason.CAMPAIGN_NOT_FOUND, field="campaignId"
        )
    if upload.kind == FanFileKind.SCORED:
        scored = upload_scored(
            campaign_id=campaign.pk, campaign_name=campaign.name, stream=handle, declared_size=None, actor=actor
        )
        return {
            "scoredFileId": scored.pk,
            "rows": scored.rows,
        }, f"{scored.rows} rows read; matching them to the entries."
    if upload.kind == FanFileKind.INVITES:
        invites = upload_invites(
            campaign_id=campaign.pk, stream=handle, declared_size=None, file_name=upload.file_name, actor=actor
        )
        counts = {"rowsIn": invites.rows_in, "added": invites.added, "identifierType": invites.identifier_type}
        return (
            counts,
            f"{invites.rows_in} rows read, {invites.added} new to the invite list ({invites.identifier_type}).",
        )
    fanlist = upload_fanlist(
        campaign_id=campaign.pk, stream=handle, declared_size=None, file_name=upload.file_name, actor=actor
    )
    return {"rowsIn": fanlist.rows_in, "rows": fanlist.rows}, f"{fanlist.rows_in} rows read, {fanlist.rows} fans kept."


def sweep_stale_fan_files(now=None) -> dict:
    """Re-queue fan-file jobs whose heartbeat is older than ``JOB_STALE_SECONDS``; FAILED once ``MAX_ATTEMPTS`` are
    spent (``monoql.jobs.sweep_stale``). Returns ``{"requeued": [ids], "failed": [ids]}``.
    Beat: ``entries.sweep_stale_fan_files``."""

    def lost(attempts: int) -> dict:
        message = f"The worker was lost after {attempts} attempts."
        return {"error": {"message": message, "reason": "UPLOAD_FAILED"}, "summary": message}

    return sweep_stale(
        FanFileUpload,
        pending=UploadStatus.PENDING,
        running=(UploadStatus.PROCESSING,),
        failed=UploadStatus.FAILED,
        max_attempts=MAX_ATTEMPTS,
        task=RUN_TASK,
        lost=lost,
        now=now,
    )
