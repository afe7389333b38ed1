"""App configuration of the core package (root composition: it wires the fan site's deploy checks)."""

from django.apps import AppConfig


class MonoqlConfig(AppConfig):
    """The ``monoql`` app: core plumbing, root composition, workflows and the fan site."""

    name = "monoql"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from monoql import core_reasons, tasks  # noqa: F401 - tasks and error reasons register on import
        from monoql.site import checks  # noqa: F401 - registers the deploy checks
