"""Celery tasks of the exports app (thin: call a service)."""

from celery import shared_task

from exports.services.exports import RUN_TASK, expire_stuck_exports, purge_old_exports, run_export, sweep_stale_exports
from monoql.audit import Actor
from monoql.jobs import run_attempts, sweep_temp_files


@shared_task(name=RUN_TASK, bind=True, ignore_result=True, max_retries=5)
def run_export_task(self, export_id: str):
    """Queued after an export is scheduled: write its file. A failed attempt is retried after 10, 20, 40 … s
    while ``EXPORT_MAX_ATTEMPTS`` remain (``run_export`` marks it FAILED after the last one and stops raising);
    run inline (eager, the embedded default) the next attempt runs at once, so it ends FINISHED or FAILED."""
    export = run_attempts(self, lambda: run_export(export_id), countdown=lambda retries: 10 * 2**retries)
    return {"status": export.status if export else "not claimed"}


@shared_task(name="exports.expire_stuck_exports", ignore_result=True)
def expire_stuck_exports_task():
    """Beat (every minute): TRIGGERED past the timeout → EXPIRED."""
    return {"expired": expire_stuck_exports()}


@shared_task(name="exports.sweep_stale_exports", ignore_result=True)
def sweep_stale_exports_task():
    """Beat (every ``JOB_SWEEP_SECONDS``): re-queue exports whose worker was lost or whose task never ran, fail
    those out of attempts, expire runaways; remove temporary files of dead workers."""
    return {**sweep_stale_exports(), "tempFiles": len(sweep_temp_files())}


@shared_task(name="exports.purge_old_exports", ignore_result=True)
def purge_old_exports_task():
    """Beat (hourly): delete export files past the retention."""
    return {"removed": purge_old_exports(actor=Actor.beat("exports.purge_old_exports"))}
