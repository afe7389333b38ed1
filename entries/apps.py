"""App configuration."""

from django.apps import AppConfig


class EntriesConfig(AppConfig):
    """The entries app."""

    name = "entries"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from entries import reasons, tasks  # noqa: F401 - tasks and error reasons register on import
