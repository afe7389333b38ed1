"""Celery tasks of the core's top layer (thin): the console's dashboard snapshots and erasure jobs."""

from celery import shared_task

from monoql.console.dashboard import REFRESH_TASK, refresh_snapshots
from monoql.jobs import run_attempts
from monoql.workflows.privacy import RUN_TASK as RUN_ERASURE_TASK
from monoql.workflows.privacy import ErasureAttemptFailed, run_erasure, sweep_stale_erasures


@shared_task(name=REFRESH_TASK, ignore_result=True)
def refresh_dashboard_snapshots_task():
    """Beat (every few minutes): recompute the dashboards of the large campaigns."""
    return {"refreshed": refresh_snapshots()}


@shared_task(name=RUN_ERASURE_TASK, bind=True, ignore_result=True, max_retries=5)
def run_erasure_task(self, erasure_id: int):
    """Queued by ``POST /api/privacy/erase``: erase one fan (``monoql.workflows.privacy.run_erasure``). A failed
    attempt (a lock wait that ran out, storage down) is retried after 10 s while attempts remain."""
    erasure = run_attempts(self, lambda: run_erasure(erasure_id), retry_on=(ErasureAttemptFailed,))
    return {"status": erasure.status if erasure else "not claimed"}


@shared_task(name="privacy.sweep_stale_erasures", ignore_result=True)
def sweep_stale_erasures_task():
    """Beat (every ``JOB_SWEEP_SECONDS``): re-queue erasures whose worker was lost, fail spent ones."""
    return sweep_stale_erasures()
