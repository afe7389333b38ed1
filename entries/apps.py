"""App configuration."""

from django.apps import AppConfig


class EntriesConfig(AppConfig):
    """The entries app."""

    name = "entries"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from entries import tasks  # noqa: F401 - register the tasks in web processes too
