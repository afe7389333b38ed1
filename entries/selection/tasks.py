"""Celery tasks of wave prep, selection and waves (thin: call a service). Task names keep their ``entries.*``
spelling so that messages queued before the package moved still find their task."""

from celery import shared_task

from entries.selection.services.reminders import SEND_TASK as REMINDER_TASK
from entries.selection.services.reminders import send_presale_reminders
from entries.selection.services.selection import (
    APPLY_TASK,
    NOTIFY_TASK,
    apply_selection,
    notify_selection,
    sweep_stale_selections,
)
from entries.selection.services.wave_prep import (
    MAX_ATTEMPTS,
    WavePrepAttemptFailed,
    run_wave_prep,
    sweep_stale_wave_preps,
)
from entries.selection.services.wave_prep import RUN_TASK as WAVE_PREP_TASK
from entries.selection.services.waves import PROCESS_TASK as WAVE_PROCESS_TASK
from entries.selection.services.waves import SWEEP_TASK as WAVE_SWEEP_TASK
from entries.selection.services.waves import process_wave, send_due_waves, sweep_stale_waves
from monoql.audit import Actor
from monoql.jobs import sweep_temp_files


@shared_task(name=WAVE_PREP_TASK, bind=True, ignore_result=True, max_retries=MAX_ATTEMPTS)
def run_wave_prep_task(self, wave_prep_id: int):
    """Queued by ``triggerWavePrep``: one attempt; a failed attempt is retried (at most 2 in all)."""
    try:
        wave_prep = run_wave_prep(wave_prep_id)
    except WavePrepAttemptFailed as error:
        raise self.retry(exc=error, countdown=0 if self.request.is_eager else 10) from error
    return {"status": wave_prep.status if wave_prep else None}


@shared_task(name=APPLY_TASK, ignore_result=True)
def apply_selection_task(wave_prep_id: int, market_ids: list):
    """Queued by ``triggerSelection``: assign codes market by market (Stat rows track it)."""
    return apply_selection(wave_prep_id, market_ids)


@shared_task(name=NOTIFY_TASK, ignore_result=True)
def notify_selection_task(wave_prep_id: int, market_id: str):
    """Queued after a market's selection: email its selected fans (once each)."""
    return {"sent": notify_selection(wave_prep_id, market_id)}


@shared_task(name=WAVE_SWEEP_TASK, ignore_result=True)
def send_due_waves_task():
    """Beat (every minute): claim the waves whose notify date has come (each is then sent by its own task)."""
    return {"claimed": send_due_waves()}


@shared_task(name=WAVE_PROCESS_TASK, ignore_result=True)
def process_wave_task(wave_id: int):
    """Queued for each claimed wave: assign its codes and send it."""
    return {"status": process_wave(wave_id).status}


@shared_task(name="entries.sweep_stale_jobs", ignore_result=True)
def sweep_stale_jobs_task():
    """Beat (every ``JOB_SWEEP_SECONDS``): re-queue or fail wave preps, selections and waves whose worker was
    lost (``monoql.jobs``); remove temporary files of dead workers."""
    return {
        "wavePreps": sweep_stale_wave_preps(),
        "selections": sweep_stale_selections(),
        "waves": sweep_stale_waves(),
        "tempFiles": len(sweep_temp_files()),
    }


@shared_task(name=REMINDER_TASK, ignore_result=True)
def send_presale_reminders_task():
    """Beat (every 15 minutes): email the presale reminder to the fans of every due market, once each."""
    return send_presale_reminders(actor=Actor.beat("selection.send_presale_reminders"))
