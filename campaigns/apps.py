"""App configuration."""

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    """The campaigns app."""

    name = "campaigns"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from campaigns import reasons, signals, tasks  # noqa: F401 - tasks and reasons register on import

        signals.connect()
