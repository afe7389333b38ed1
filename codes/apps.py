"""App configuration."""

from django.apps import AppConfig


class CodesConfig(AppConfig):
    """The codes app."""

    name = "codes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from codes import reasons, tasks  # noqa: F401 - tasks and error reasons register on import
