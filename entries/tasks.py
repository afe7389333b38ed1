"""Celery tasks of the entries app (thin: call a service)."""

from celery import shared_task
from django.db import OperationalError

from entries.models import ScoreRunKind
from entries.services.bot_score import SCORE_TASK
from entries.services.fan_files import RUN_TASK as FAN_FILE_TASK
from entries.services.fan_files import FanFileAttemptFailed, run_fan_file, sweep_stale_fan_files
from entries.services.live_score import RUN_TASK as SCORE_RUN_TASK
from entries.services.live_score import (
    ScoreRunAttemptFailed,
    queue_score_run,
    run_score_run,
    score_live_campaigns,
    sweep_stale_score_runs,
)
from entries.services.origin_retention import MINIMIZE_TASK, minimize_entry_origins
from entries.services.receipts import SWEEP_TASK, send_due_receipts
from entries.services.scoring import PROCESS_TASK, process_scored_file
from entries.services.slack_stats import POST_TASK as STATS_TASK
from entries.services.slack_stats import post_campaign_stats
from monoql.audit import Actor
from monoql.jobs import run_attempts


@shared_task(name=SWEEP_TASK, ignore_result=True)
def send_due_receipts_task():
    """Beat (every 5 s) and, with eager Celery, after each commit that made a receipt due: send them."""
    return {"sent": send_due_receipts()}


@shared_task(name=PROCESS_TASK, ignore_result=True, autoretry_for=(OperationalError,), max_retries=2)
def process_scored_file_task(scored_file_id: int):
    """Queued after a scored file is stored: match its rows to entries (ScoredFile FINISHED/FAILED)."""
    scored = process_scored_file(scored_file_id)
    return {"matched": scored.matched, "unmatched": scored.unmatched}


@shared_task(name=STATS_TASK, ignore_result=True)
def post_campaign_stats_task():
    """Beat (every 30 minutes): post each OPEN campaign's stats to its Slack stats channels (via the outbox)."""
    return {"posted": len(post_campaign_stats())}


@shared_task(name=MINIMIZE_TASK, ignore_result=True)
def minimize_entry_origins_task():
    """Beat (hourly): reduce the origin of entries past ``ENTRY_ORIGIN_RETENTION_DAYS`` to its derived form."""
    return {"reduced": minimize_entry_origins(actor=Actor.beat(MINIMIZE_TASK))}


@shared_task(name=SCORE_TASK, ignore_result=True)
def score_campaign_task(campaign_id: str):
    """Queued when a campaign closes: its last bot score run (a job: ``entries.run_score``)."""
    run = queue_score_run(campaign_id, kind=ScoreRunKind.CLOSE, actor=Actor.job(SCORE_TASK))
    return {"run": run.pk}


@shared_task(name=SCORE_RUN_TASK, bind=True, ignore_result=True, max_retries=3)
def run_score_task(self, run_id: int):
    """A bot score run (live, asked by staff, at close): retried after 10 s while attempts remain."""
    run = run_attempts(self, lambda: run_score_run(run_id), retry_on=(ScoreRunAttemptFailed,))
    return {"status": run.status if run else "not claimed"}


@shared_task(name="entries.score_live_campaigns", ignore_result=True)
def score_live_campaigns_task():
    """Beat (every ``LIVE_SCORE_SWEEP_SECONDS``): queue the live bot score of open campaigns with new entries."""
    return {"queued": score_live_campaigns()}


@shared_task(name="entries.sweep_stale_score_runs", ignore_result=True)
def sweep_stale_score_runs_task():
    """Beat (every ``JOB_SWEEP_SECONDS``): re-queue bot score runs whose worker was lost, fail spent ones."""
    return sweep_stale_score_runs()


@shared_task(name=FAN_FILE_TASK, bind=True, ignore_result=True, max_retries=3)
def run_fan_file_task(self, upload_id: int):
    """Queued by the staff console's fan-file uploads: read a scored file, invite list, fanlist or blacklist."""
    upload = run_attempts(self, lambda: run_fan_file(upload_id), retry_on=(FanFileAttemptFailed,))
    return {"status": upload.status if upload else "not claimed"}


@shared_task(name="entries.sweep_stale_fan_files", ignore_result=True)
def sweep_stale_fan_files_task():
    """Beat (every ``JOB_SWEEP_SECONDS``): re-queue fan-file uploads whose worker was lost, fail spent ones."""
    return sweep_stale_fan_files()
