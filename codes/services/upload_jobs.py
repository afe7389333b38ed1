"""Code uploads as queued jobs (catalog §3.8 Upload; Faults, round two; docs/operations.md "Code uploads").

``queue_code_upload`` checks what can be checked at once (type, campaign, announced size), stores the file
and records a ``CodeUpload`` (PENDING); ``run_code_upload`` (the Celery task ``codes.run_code_upload``) claims
it, stores the codes in one transaction (``codes.services.upload.upload_codes``) with a heartbeat and
progress, and commits only while it still owns the job (the fence). A bad file ends FAILED with the line
and reason; another failure is retried once; ``sweep_stale_code_uploads`` re-queues a job whose worker was
lost or whose task never ran. GraphQL and REST wait up to ``CODES_UPLOAD_WAIT_SECONDS`` (2 s) for the result,
one request per web process at a time, so the contract's counts come back for ordinary files and a very large
one (or one arriving while another waits) answers with its job to follow: staff work never holds the web tier.
"""

import logging
import threading
import time
import uuid

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.reasons import CampaignsReason
from codes.models import CodeUpload, CodeUploadStatus
from codes.reasons import CodesReason
from codes.services.upload import FILE_KEY_RE, max_upload_bytes, upload_codes
from codes.services.validation import check_type
from monoql.audit import Actor, record
from monoql.errors import DomainError, NotFound, ValidationFailed
from monoql.jobs import Heartbeat, SideProgress, Superseded, requeue_failed, sweep_stale
from monoql.queue import enqueue_on_commit
from monoql.reasons import named

logger = logging.getLogger("monoql.codes")

RUN_TASK = "codes.run_code_upload"
MAX_ATTEMPTS = 2
FINAL = (CodeUploadStatus.FINISHED, CodeUploadStatus.FAILED)


def _campaign_exists(campaign_id: str) -> None:
    if not Campaign.objects.filter(pk=campaign_id).exists():
        raise NotFound("Campaign not found.", reason=CampaignsReason.CAMPAIGN_NOT_FOUND, field="campaignId")


def queue_code_upload(
    campaign_id: str, code_type, stream, *, actor: Actor, declared_size: int | None = None, file_name: str = ""
) -> CodeUpload:
    """Store a code file and queue the job that reads it into the campaign's ``code_type`` pool.

    Args:
        stream: binary file-like object (copied to storage under ``codes/{campaignId}/{type}/uploads/``).
        declared_size: the size the client announced (``fileSize``), bytes; it must match the file.
    Returns: the CodeUpload (PENDING, or already FINISHED/FAILED when tasks run inline).
    Raises: NotFound ``CAMPAIGN_NOT_FOUND``; ValidationFailed ``missingType``/``InvalidType`` (field ``type``),
        ``FILE_TOO_LARGE``/``FILE_SIZE_MISMATCH`` (field ``fileSize``), ``EMPTY_FILE`` (field ``file``).
    """
    code_type = check_type(code_type)
    _campaign_exists(campaign_id)
    limit = max_upload_bytes()
    if declared_size is not None and declared_size > limit:
        raise ValidationFailed(
            f"The file is larger than {limit} bytes.", reason=CodesReason.FILE_TOO_LARGE, field="fileSize"
        )
    key = default_storage.save(f"codes/{campaign_id}/{code_type}/uploads/{uuid.uuid4().hex}.csv", File(stream))
    size = default_storage.size(key)
    problem = None
    if size > limit:
        problem = ValidationFailed(
            f"The file is larger than {limit} bytes.", reason=CodesReason.FILE_TOO_LARGE, field="fileSize"
        )
    elif declared_size is not None and declared_size != size:
        problem = ValidationFailed(
            f"fileSize says {declared_size} bytes but the file has {size}.",
            reason=CodesReason.FILE_SIZE_MISMATCH,
            field="fileSize",
        )
    elif size == 0:
        problem = ValidationFailed("The file holds no codes.", reason=CodesReason.EMPTY_FILE, field="file")
    if problem is not None:
        default_storage.delete(key)
        raise problem
    return _record(campaign_id, code_type, key, size, actor, file_name=file_name or getattr(stream, "name", ""))


def queue_code_upload_from_storage(campaign_id: str, file_key, *, actor: Actor) -> CodeUpload:
    """Queue the upload of ``codes/{campaignId}/{type}/{file}`` already in storage (``POST /:campaignId/codes``);
    the file is left where it is.

    Raises: ValidationFailed ``invalidFileKey`` (400, decisions.md #27); NotFound ``FILE_NOT_FOUND``,
        ``CAMPAIGN_NOT_FOUND``; ``check_type``'s errors for the key's type.
    """
    match = FILE_KEY_RE.match(file_key or "") if isinstance(file_key, str) else None
    if not match or match["campaignId"] != str(campaign_id) or ".." in file_key:
        raise ValidationFailed("A valid file key is required.", reason=CodesReason.invalidFileKey, field="fileKey")
    if not default_storage.exists(file_key):
        raise NotFound(f"No file at '{file_key}'.", reason=CodesReason.FILE_NOT_FOUND, field="fileKey")
    code_type = check_type(match["type"])
    _campaign_exists(campaign_id)
    return _record(campaign_id, code_type, file_key, default_storage.size(file_key), actor, owns_file=False)


def _record(campaign_id, code_type, key, size, actor: Actor, *, file_name="", owns_file=True) -> CodeUpload:
    with transaction.atomic():
        upload = CodeUpload.objects.create(
            campaign_id=campaign_id,
            type=code_type,
            file_key=key,
            file_name=str(file_name)[:255],
            owns_file=owns_file,
            size=size,
            actor=actor.fan,
            actor_label=actor.label[:255],
            heartbeat_at=timezone.now(),  # queued: the sweeper re-queues it if no worker takes it
        )
        record(
            actor,
            "codes.upload",
            campaign_id=campaign_id,
            target=f"codeUpload:{upload.pk}",
            changes={"type": code_type, "bytes": size, "fileName": upload.file_name},
        )
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            enqueue_on_commit(RUN_TASK, upload.pk)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # Tasks run inline (no broker, the embedded default): the job runs now, in this request.
        while True:
            try:
                run_code_upload(upload.pk)
                break
            except CodeUploadAttemptFailed:
                continue
    return CodeUpload.objects.get(pk=upload.pk)


class CodeUploadAttemptFailed(Exception):
    """An attempt failed for a reason other than the file's content and another attempt is allowed."""


def run_code_upload(upload_id: int) -> CodeUpload | None:
    """Run one attempt of a PENDING code upload (the Celery task calls this).

    Returns: the CodeUpload (FINISHED, FAILED), or None when it was not PENDING (another attempt has it).
    Raises: CodeUploadAttemptFailed when this attempt failed and another is allowed (the task retries).
    """
    now = timezone.now()
    rows = CodeUpload.objects.filter(pk=upload_id, status=CodeUploadStatus.PENDING)
    if not rows.update(
        status=CodeUploadStatus.TRIGGERED, attempts=F("attempts") + 1, heartbeat_at=now, date_started=now
    ):
        return None
    upload = CodeUpload.objects.get(pk=upload_id)
    fence = upload.attempts
    current = CodeUpload.objects.filter(pk=upload.pk, status=CodeUploadStatus.TRIGGERED, attempts=fence)
    actor = Actor.job(upload.actor_label, fan=upload.actor)  # the staff member who queued it

    def still_mine():
        if not current.exists():
            raise Superseded(f"code upload {upload.pk}: attempt {fence} was superseded")

    try:
        with (
            Heartbeat(CodeUpload._meta.db_table, upload.pk, fence),
            SideProgress(CodeUpload._meta.db_table, upload.pk, "rows_read") as progress,
        ):
            with default_storage.open(upload.file_key, "rb") as handle:
                count = upload_codes(
                    upload.campaign_id,
                    upload.type,
                    handle,
                    actor=actor,
                    progress=progress,
                    before_commit=still_mine,
                    log=False,  # queue_code_upload wrote the action's row
                )
        current.update(
            status=CodeUploadStatus.FINISHED,
            count=count,
            rows_read=count["in"],
            error=None,
            date_finished=timezone.now(),
        )
    except Superseded:
        logger.warning("code upload %s attempt %s was superseded; rolled back", upload.pk, fence)
        return CodeUpload.objects.get(pk=upload.pk)
    except DomainError as error:  # the file's content: retrying cannot help
        current.update(status=CodeUploadStatus.FAILED, error=_error_document(error), date_finished=timezone.now())
    except Exception as error:
        logger.warning("code upload %s attempt %s failed", upload.pk, fence, exc_info=True)
        document = {"message": f"{type(error).__name__}: {error}"[:2000], "reason": "UPLOAD_FAILED", "field": "file"}
        if fence < MAX_ATTEMPTS:
            current.update(status=CodeUploadStatus.PENDING, error=document)
            raise CodeUploadAttemptFailed(document["message"]) from error
        current.update(status=CodeUploadStatus.FAILED, error=document, date_finished=timezone.now())
    upload = CodeUpload.objects.get(pk=upload.pk)
    if upload.owns_file and (upload.status == CodeUploadStatus.FINISHED or not retryable(upload)):
        default_storage.delete(upload.file_key)  # a job that may be retried keeps its file
    return upload


def retryable(upload: CodeUpload) -> bool:
    """True when a FAILED upload failed for something else than its file's content (a lost worker, storage or the
    database down): ``retry_code_upload`` may run it again on the file it kept."""
    return upload.status == CodeUploadStatus.FAILED and (upload.error or {}).get("reason") == "UPLOAD_FAILED"


def retry_code_upload(campaign_id: str, upload_id, *, actor: Actor) -> CodeUpload:
    """Run a FAILED code upload again on its kept file: back to PENDING and queued, a new attempt under the same
    fence (its attempt number keeps growing; the retry gets one attempt). One audit-log row, ``codes.uploadRetry``.

    Returns: the CodeUpload (PENDING, or its outcome when tasks run inline).
    Raises: NotFound ``UPLOAD_NOT_FOUND``; ValidationFailed ``NOT_RETRYABLE`` (field ``uploadId``) when it did not
        fail, failed on its content (fix the file and upload it again) or its file is gone.
    """
    upload = code_upload(campaign_id, upload_id)
    if not retryable(upload) or not default_storage.exists(upload.file_key):
        raise ValidationFailed(
            "Only an upload that failed for another reason than its file can be retried; upload the file again.",
            reason=CodesReason.NOT_RETRYABLE,
            field="uploadId",
        )
    with transaction.atomic():
        if not requeue_failed(
            CodeUpload, upload.pk, failed=CodeUploadStatus.FAILED, pending=CodeUploadStatus.PENDING, task=RUN_TASK
        ):
            raise ValidationFailed(
                "The upload is no longer failed.", reason=CodesReason.NOT_RETRYABLE, field="uploadId"
            )
        record(actor, "codes.uploadRetry", campaign_id=campaign_id, target=f"codeUpload:{upload.pk}")
    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            run_code_upload(upload.pk)
        except CodeUploadAttemptFailed:
            pass
    return CodeUpload.objects.get(pk=upload.pk)


def _error_document(error: DomainError) -> dict:
    return {"message": error.message, "reason": error.reason, "field": error.field, "extra": error.extra or {}}


#: At most one request of this web process waits for its upload's job (issue 36: three large uploads held every
#: web worker for 20 s); the others answer PENDING at once.
_WAITING = threading.BoundedSemaphore(1)


def wait_for_code_upload(upload: CodeUpload, seconds: float | None = None) -> CodeUpload:
    """Poll the job until FINISHED/FAILED or ``seconds`` (default ``CODES_UPLOAD_WAIT_SECONDS``, 2 s) pass, when no
    other request of this process is waiting already (then at once: the caller answers PENDING with the job).

    Returns: the CodeUpload as last read.
    """
    seconds = settings.CODES_UPLOAD_WAIT_SECONDS if seconds is None else seconds
    if upload.status in FINAL or seconds <= 0 or not _WAITING.acquire(blocking=False):
        return upload
    try:
        deadline = time.monotonic() + seconds
        while upload.status not in FINAL and time.monotonic() < deadline:
            time.sleep(0.1)
            upload = CodeUpload.objects.get(pk=upload.pk)
    finally:
        _WAITING.release()
    return upload


def upload_result(upload: CodeUpload) -> dict:
    """``UploadCodesCount`` of a job: ``{in, inserted, updated, uploadId, status}`` (counts None until FINISHED).

    Raises: the job's ValidationFailed/NotFound again when it FAILED on the file's content (same reason, field
        and line as an inline upload), ValidationFailed ``UPLOAD_FAILED`` when it failed otherwise.
    """
    if upload.status == CodeUploadStatus.FAILED:
        error = upload.error or {}
        raise ValidationFailed(
            error.get("message") or "The upload failed.",
            reason=named(error["reason"]) if error.get("reason") else CodesReason.UPLOAD_FAILED,
            field=error.get("field") or "file",
            extra=error.get("extra") or {},
        )
    count = upload.count or {}
    return {
        "in": count.get("in"),
        "inserted": count.get("inserted"),
        "updated": count.get("updated"),
        "uploadId": str(upload.pk),
        "status": upload.status,
    }


def sweep_stale_code_uploads(now=None) -> dict:
    """Re-queue code uploads whose heartbeat is older than ``JOB_STALE_SECONDS`` (worker lost, task never ran);
    FAILED once ``MAX_ATTEMPTS`` are spent, keeping the file for ``retry_code_upload``
    (``monoql.jobs.sweep_stale``). Returns ``{"requeued": [ids], "failed": [ids]}``.
    Beat: ``codes.sweep_stale_code_uploads``."""
    return sweep_stale(
        CodeUpload,
        pending=CodeUploadStatus.PENDING,
        running=(CodeUploadStatus.TRIGGERED,),
        failed=CodeUploadStatus.FAILED,
        max_attempts=MAX_ATTEMPTS,
        task=RUN_TASK,
        lost=lambda attempts: {
            "error": {
                "message": f"The worker was lost after {attempts} attempts.",
                "reason": CodesReason.UPLOAD_FAILED.name,
            }
        },
        now=now,
    )


def code_upload(campaign_id: str, upload_id) -> CodeUpload:
    """The campaign's code upload ``upload_id``. Raises NotFound ``UPLOAD_NOT_FOUND`` (field ``uploadId``)."""
    upload = None
    if str(upload_id).isdigit():
        upload = CodeUpload.objects.filter(campaign_id=campaign_id, pk=int(upload_id)).first()
    if upload is None:
        raise NotFound("No such code upload in this campaign.", reason=CodesReason.UPLOAD_NOT_FOUND, field="uploadId")
    return upload
