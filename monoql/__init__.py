"""monoql: presale fan-registration campaigns in one Django application."""

from monoql.celery import app as celery_app

__all__ = ("celery_app",)
