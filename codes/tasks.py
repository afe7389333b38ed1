"""Celery tasks of the codes app (thin: call a service)."""

from celery import shared_task

from codes.services.upload_jobs import RUN_TASK, CodeUploadAttemptFailed, run_code_upload, sweep_stale_code_uploads
from monoql.jobs import run_attempts


@shared_task(name=RUN_TASK, bind=True, ignore_result=True, max_retries=3)
def run_code_upload_task(self, upload_id: int):
    """Queued by ``uploadCodes``, ``POST /:campaignId/codes`` and the admin: store a code file's codes. A failed
    attempt is retried after 10 s (at once when run inline) while attempts remain."""
    upload = run_attempts(self, lambda: run_code_upload(upload_id), retry_on=(CodeUploadAttemptFailed,))
    return {"status": upload.status if upload else "not claimed"}


@shared_task(name="codes.sweep_stale_code_uploads", ignore_result=True)
def sweep_stale_code_uploads_task():
    """Beat (every ``JOB_SWEEP_SECONDS``): re-queue code uploads whose worker was lost, fail spent ones."""
    return sweep_stale_code_uploads()
