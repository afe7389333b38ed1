"""App configuration."""

from django.apps import AppConfig


class EntriesConfig(AppConfig):
    """The entries app."""

    name = "entries"
    default_auto_field = "django.db.models.BigAutoField"
