"""App configuration."""

from django.apps import AppConfig


class ExportsConfig(AppConfig):
    """The exports app."""

    name = "exports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from exports import reasons, tasks  # noqa: F401 - tasks and error reasons register on import
