"""App configuration."""

from django.apps import AppConfig


class CodesConfig(AppConfig):
    """The codes app."""

    name = "codes"
    default_auto_field = "django.db.models.BigAutoField"
