"""Celery tasks of the core's top layer (thin): the console's dashboard snapshots."""

from celery import shared_task

from monoql.console.dashboard import REFRESH_TASK, refresh_snapshots


@shared_task(name=REFRESH_TASK, ignore_result=True)
def refresh_dashboard_snapshots_task():
    """Beat (every few minutes): recompute the dashboards of the large campaigns."""
    return {"refreshed": refresh_snapshots()}
