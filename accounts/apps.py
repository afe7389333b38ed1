"""App configuration."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The accounts app."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import reasons, signals  # noqa: F401 - reasons register on import

        signals.connect()
