"""Celery tasks of the campaigns app (thin: call a service)."""

from celery import shared_task

from campaigns.services.lifecycle import refresh_campaign_statuses
from campaigns.services.markets import notify_upcoming_presales
from campaigns.services.outbox import drain_outbound_events
from monoql.audit import Actor


@shared_task(name="campaigns.refresh_campaign_statuses", ignore_result=True)
def refresh_campaign_statuses_task():
    """Beat entry (every minute): apply due status transitions; returns the counts."""
    return refresh_campaign_statuses(actor=Actor.beat("campaigns.refresh_campaign_statuses")).counts()


@shared_task(name="campaigns.drain_outbound_events", ignore_result=True)
def drain_outbound_events_task():
    """Queued after each commit that recorded events, and by beat: send pending outbound events."""
    result = drain_outbound_events()
    return {"sent": result.sent, "failed": result.failed}


@shared_task(name="campaigns.notify_upcoming_presales", ignore_result=True)
def notify_upcoming_presales_task():
    """Beat entry: presale reminders for markets starting in 2–27 h (each market once)."""
    return {"notified": len(notify_upcoming_presales(actor=Actor.beat("campaigns.notify_upcoming_presales")))}
