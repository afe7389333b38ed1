"""App configuration of wave prep, allocation, selection and waves (``entries.selection``, label ``selection``)."""

from django.apps import AppConfig


class SelectionConfig(AppConfig):
    """Wave prep, selection and waves: a package above the rest of ``entries``, which never imports it."""

    name = "entries.selection"
    label = "selection"
    verbose_name = "Selection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from entries.selection import tasks  # noqa: F401 - register the tasks in web processes too
