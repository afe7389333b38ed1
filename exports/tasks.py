"""Celery tasks of the exports app (thin: call a service)."""

from celery import shared_task

from exports.services.exports import RUN_TASK, expire_stuck_exports, purge_old_exports, run_export


@shared_task(name=RUN_TASK, ignore_result=True, autoretry_for=(Exception,), max_retries=3, retry_backoff=10)
def run_export_task(export_id: str):
    """Queued after an export is scheduled: write its file (retried while attempts remain)."""
    export = run_export(export_id)
    return {"status": export.status if export else "not claimed"}


@shared_task(name="exports.expire_stuck_exports", ignore_result=True)
def expire_stuck_exports_task():
    """Beat (every minute): TRIGGERED past the timeout → EXPIRED."""
    return {"expired": expire_stuck_exports()}


@shared_task(name="exports.purge_old_exports", ignore_result=True)
def purge_old_exports_task():
    """Beat (hourly): delete export files past the retention."""
    return {"removed": purge_old_exports()}
