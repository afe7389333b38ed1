"""Celery tasks of the entries app (thin: call a service)."""

from celery import shared_task
from django.db import OperationalError

from entries.services.bot_score import SCORE_TASK, score_campaign
from entries.services.fan_files import RUN_TASK as FAN_FILE_TASK
from entries.services.fan_files import FanFileAttemptFailed, run_fan_file, sweep_stale_fan_files
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


@shared_task(name=SCORE_TASK, ignore_result=True, autoretry_for=(OperationalError,), max_retries=2)
def score_campaign_task(campaign_id: str):
    """Queued when a campaign closes (and by staff): the bot score of every entry of the campaign."""
    return score_campaign(campaign_id, actor=Actor.job(SCORE_TASK))


@shared_task(name=FAN_FILE_TASK, bind=True, ignore_result=True, max_retries=3)
def run_fan_file_task(self, upload_id: int):
    """Queued by the staff console's fan-file uploads: read a scored file, invite list, fanlist or blacklist."""
    upload = run_attempts(self, lambda: run_fan_file(upload_id), retry_on=(FanFileAttemptFailed,))
    return {"status": upload.status if upload else "not claimed"}


@shared_task(name="entries.sweep_stale_fan_files", ignore_result=True)
def sweep_stale_fan_files_task():
    """Beat (every ``JOB_SWEEP_SECONDS``): re-queue fan-file uploads whose worker was lost, fail spent ones."""
    return sweep_stale_fan_files()
