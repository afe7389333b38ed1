"""The bot score as jobs, live while a campaign is open (issue 41; decisions.md "Live scoring").

- ``score_live_campaigns`` (beat, every ``LIVE_SCORE_SWEEP_SECONDS``) queues a run of each OPEN campaign that has
  entries its last run did not score (entry ids beyond its ``lastEntryId``), at most once every
  ``LIVE_SCORE_SECONDS`` and never sooner than twice its last run's duration after it; nothing runs on the
  registration's path. The first live run reads every entry and keeps what it read of each (``ScoreInput``: hashed
  keys, times, flags); the next ones read only the entries without kept inputs and score them against the whole
  crowd from that narrow table (duplicates, ranges, bursts and browsers see everyone known so far), writing again
  only the entries whose contributions changed (``inputs_mode``). The run at close re-reads every entry: the last
  word.
- ``queue_score_run`` records a ``ScoreRun`` (PENDING) and queues ``entries.run_score``; ``run_score_run`` claims it
  (attempts as the fence), reports its stage, keeps the summary or the error, and is retried once; staff retry a
  FAILED run (``retry_score_run``); ``sweep_stale_score_runs`` re-queues one whose worker was lost.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from campaigns.models import Campaign, CampaignStatus
from campaigns.selectors import campaign_or_404
from codes.reasons import CodesReason
from entries.models import Entry, ScoreRun, ScoreRunKind, UploadStatus
from entries.services.bot_score import INPUTS_CONTINUED, INPUTS_IGNORED, INPUTS_REPLACED, score_campaign
from monoql.audit import Actor, record
from monoql.errors import ValidationFailed
from monoql.jobs import Heartbeat, SideProgress, Superseded, requeue_failed, sweep_stale
from monoql.queue import enqueue_on_commit

logger = logging.getLogger("monoql.entries")

RUN_TASK = "entries.run_score"
MAX_ATTEMPTS = 2
ACTIVE = (UploadStatus.PENDING, UploadStatus.PROCESSING)


class ScoreRunAttemptFailed(Exception):
    """A run's attempt failed and another is allowed (the task retries)."""


def queue_score_run(campaign_id: str, *, kind: str, actor: Actor) -> ScoreRun:
    """Record a bot score run of the campaign and queue it (run here when tasks run inline). One audit-log row
    (``entries.botScore.queue``) when staff ask; the live sweep and the close are logged by the run itself.

    Returns: the ScoreRun (PENDING, or its outcome inline). Raises: NotFound ``CAMPAIGN_NOT_FOUND``.
    """
    campaign = campaign_or_404(campaign_id)
    with transaction.atomic():
        run = ScoreRun.objects.create(
            campaign=campaign,
            kind=kind,
            actor=actor.fan,
            actor_label=actor.label[:255],
            channel=actor.channel,
            heartbeat_at=timezone.now(),
        )
        if kind == ScoreRunKind.RESCORE:
            record(actor, "entries.botScore.queue", campaign_id=campaign.pk, target=f"scoreRun:{run.pk}")
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            enqueue_on_commit(RUN_TASK, run.pk)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_score_to_the_end(run.pk)
    return ScoreRun.objects.get(pk=run.pk)


def run_score_to_the_end(run_id: int) -> ScoreRun:
    """Run ``run_score_run`` attempts here until the run is FINISHED or FAILED (inline tasks)."""
    while True:
        try:
            run = run_score_run(run_id)
        except ScoreRunAttemptFailed:
            continue
        return run or ScoreRun.objects.get(pk=run_id)


def run_score_run(run_id: int) -> ScoreRun | None:
    """Run one attempt of a PENDING score run (the Celery task ``entries.run_score`` calls this).

    Returns: the ScoreRun (FINISHED or FAILED), or None when it was not PENDING.
    Raises: ScoreRunAttemptFailed when this attempt failed and another is allowed.
    """
    now = timezone.now()
    claimed = ScoreRun.objects.filter(pk=run_id, status=UploadStatus.PENDING).update(
        status=UploadStatus.PROCESSING, attempts=F("attempts") + 1, heartbeat_at=now, date_started=now
    )
    if not claimed:
        return None
    run = ScoreRun.objects.select_related("actor").get(pk=run_id)
    fence = run.attempts
    mine = ScoreRun.objects.filter(pk=run.pk, status=UploadStatus.PROCESSING, attempts=fence)
    actor = Actor("job", run.channel, run.actor_label or f"bot score ({run.get_kind_display()})", run.actor)
    try:
        with (
            Heartbeat(ScoreRun._meta.db_table, run.pk, fence),
            SideProgress(ScoreRun._meta.db_table, run.pk, "stage") as progress,
        ):
            pace = settings.LIVE_SCORE_ROWS_PER_SECOND if run.kind == ScoreRunKind.LIVE else None
            summary = score_campaign(
                run.campaign_id, actor=actor, report=progress, rows_per_second=pace, inputs=inputs_mode(run)
            )
        if not mine.update(status=UploadStatus.FINISHED, stage="", summary=summary, date_finished=timezone.now()):
            raise Superseded(f"score run {run.pk}: attempt {fence} was superseded")
    except Superseded:
        logger.warning("score run %s attempt %s was superseded", run.pk, fence)
    except Exception as error:
        logger.warning("score run %s attempt %s failed", run.pk, fence, exc_info=True)
        message = f"{type(error).__name__}: {error}"[:2000]
        if fence < MAX_ATTEMPTS:
            mine.update(status=UploadStatus.PENDING, error=message, stage="waiting for the next attempt")
            raise ScoreRunAttemptFailed(message) from error
        mine.update(status=UploadStatus.FAILED, error=message, stage="", date_finished=timezone.now())
    return ScoreRun.objects.get(pk=run.pk)


def inputs_mode(run: ScoreRun) -> str:
    """What ``run`` does with the campaign's kept signal inputs (``score_campaign``'s ``inputs``): a live run
    continues from them when the campaign's last finished run kept them (``INPUTS_CONTINUED``: it reads only the new
    entries) and replaces them otherwise; staff's re-score of an open campaign replaces them (the next live run
    continues from it); the run at close, after which nothing is live, ignores them."""
    if run.kind == ScoreRunKind.CLOSE:
        return INPUTS_IGNORED
    if run.kind == ScoreRunKind.LIVE:
        last = (
            ScoreRun.objects.filter(campaign_id=run.campaign_id, status=UploadStatus.FINISHED)
            .exclude(pk=run.pk)
            .order_by("-date_finished")
            .values_list("summary", flat=True)
            .first()
        )
        kept = (last or {}).get("inputs") in (INPUTS_REPLACED, INPUTS_CONTINUED)
        return INPUTS_CONTINUED if kept else INPUTS_REPLACED
    is_open = Campaign.objects.filter(pk=run.campaign_id, status=CampaignStatus.OPEN).exists()
    return INPUTS_REPLACED if is_open else INPUTS_IGNORED


def retry_score_run(run_id: int, *, actor: Actor) -> ScoreRun:
    """Run a FAILED score run again: PENDING and queued, one more attempt under the same fence; audited
    (``entries.botScore.retry``). Returns: the ScoreRun. Raises: ValidationFailed ``NOT_RETRYABLE`` (``runId``)."""
    run = ScoreRun.objects.filter(pk=run_id).first()
    with transaction.atomic():
        if run is None or not requeue_failed(
            ScoreRun, run.pk, failed=UploadStatus.FAILED, pending=UploadStatus.PENDING, task=RUN_TASK
        ):
            raise ValidationFailed(
                "Only a failed bot score run can be retried.", reason=CodesReason.NOT_RETRYABLE, field="runId"
            )
        record(actor, "entries.botScore.retry", campaign_id=run.campaign_id, target=f"scoreRun:{run.pk}")
    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_score_to_the_end(run.pk)
    return ScoreRun.objects.get(pk=run.pk)


def score_live_campaigns(now=None) -> list[str]:
    """Queue a live run of every OPEN campaign with entries its last run did not score (a newer entry id than its
    ``lastEntryId``), unless a run is queued or running, or its last run started less than
    ``max(LIVE_SCORE_SECONDS, 2 × its duration)`` ago.

    Returns: the campaign ids queued. Beat: ``entries.score_live_campaigns``.
    """
    now = now or timezone.now()
    queued = []
    for campaign_id in Campaign.objects.filter(status=CampaignStatus.OPEN).values_list("pk", flat=True):
        runs = ScoreRun.objects.filter(campaign_id=campaign_id)
        if runs.filter(status__in=ACTIVE).exists():
            continue
        last = runs.filter(date_started__isnull=False).order_by("-date_started").first()
        newest = Entry.objects.filter(campaign_id=campaign_id).order_by("-pk").values_list("pk", flat=True).first()
        started = last.date_started if last is not None else None
        scored_through = ((last.summary or {}).get("lastEntryId") or 0) if last is not None else 0
        if newest is None or newest <= scored_through:
            continue
        if last is not None and started is not None:
            took = (last.date_finished or now) - started
            wait = max(timedelta(seconds=settings.LIVE_SCORE_SECONDS), 2 * took)
            if now - started < wait:
                continue
        queue_score_run(campaign_id, kind=ScoreRunKind.LIVE, actor=Actor.beat("live bot score"))
        queued.append(campaign_id)
    return queued


def sweep_stale_score_runs(now=None) -> dict:
    """Re-queue score runs whose heartbeat is older than ``JOB_STALE_SECONDS``; FAILED once ``MAX_ATTEMPTS`` are
    spent (``monoql.jobs.sweep_stale``). Returns ``{"requeued": [ids], "failed": [ids]}``.
    Beat: ``entries.sweep_stale_score_runs``."""
    return sweep_stale(
        ScoreRun,
        pending=UploadStatus.PENDING,
        running=(UploadStatus.PROCESSING,),
        failed=UploadStatus.FAILED,
        max_attempts=MAX_ATTEMPTS,
        task=RUN_TASK,
        lost=lambda attempts: {"error": f"The worker was lost after {attempts} attempts."},
        now=now,
    )
