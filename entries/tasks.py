"""Celery tasks of the entries app (thin: call a service)."""

from celery import shared_task
from django.db import OperationalError

from entries.services.receipts import RECEIPT_TASK, send_entry_receipt
from entries.services.scoring import PROCESS_TASK, process_scored_file


@shared_task(
    name=RECEIPT_TASK,
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_kwargs={"max_retries": 5},
)
def send_entry_receipt_task(entry_id: int):
    """Queued after an entry becomes complete: send its receipt email once."""
    return send_entry_receipt(entry_id)


@shared_task(name=PROCESS_TASK, ignore_result=True, autoretry_for=(OperationalError,), max_retries=2)
def process_scored_file_task(scored_file_id: int):
    """Queued after a scored file is stored: match its rows to entries (ScoredFile FINISHED/FAILED)."""
    scored = process_scored_file(scored_file_id)
    return {"matched": scored.matched, "unmatched": scored.unmatched}
