"""App configuration."""

from django.apps import AppConfig


class CodesConfig(AppConfig):
    """The codes app."""

    name = "codes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from codes import tasks  # noqa: F401 - register the tasks in web processes too
