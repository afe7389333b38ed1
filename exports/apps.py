"""App configuration."""

from django.apps import AppConfig


class ExportsConfig(AppConfig):
    """The exports app."""

    name = "exports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from exports import tasks  # noqa: F401 - register the tasks in web processes too
