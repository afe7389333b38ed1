"""App configuration."""

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    """The campaigns app."""

    name = "campaigns"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from campaigns import signals, tasks  # noqa: F401 - tasks: register them in web processes too

        signals.connect()
