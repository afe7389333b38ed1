"""Celery tasks of the campaigns app (thin: call a service)."""

from celery import shared_task

from campaigns.services.lifecycle import refresh_campaign_statuses


@shared_task(name="campaigns.refresh_campaign_statuses", ignore_result=True)
def refresh_campaign_statuses_task():
    """Beat entry (every minute): apply due status transitions; returns the counts."""
    return refresh_campaign_statuses(source="beat").counts()
