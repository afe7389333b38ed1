"""Celery application. Tasks run eagerly when no CELERY_BROKER_URL is configured."""

import os

# before anything of ours is imported: some of it reads settings as it loads (monoql.breakers)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")

from celery import Celery  # noqa: E402
from celery.signals import worker_ready  # noqa: E402

from monoql.jobs import sweep_temp_files  # noqa: E402

app = Celery("monoql")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _observe_tasks(sender, **kwargs):
    """Count task outcomes for /metrics (``monoql.observability`` connects the Celery signals)."""
    import monoql.observability  # noqa: F401


@worker_ready.connect
def _sweep_temp_files(sender, **kwargs):
    """A starting worker removes the temporary files that killed workers left (``monoql.jobs``)."""
    sweep_temp_files()
