"""App configuration of the core package (root composition: it wires the fan site's deploy checks)."""

from django.apps import AppConfig

# Every app's error reasons, registered before anything builds the schema (the site's checks import it in
# ``ready``): operation descriptions read them (``monoql.reasons.operation_doc``). They import no models.
from accounts import reasons as accounts_reasons  # noqa: F401
from campaigns import reasons as campaigns_reasons  # noqa: F401
from codes import reasons as codes_reasons  # noqa: F401
from entries import reasons as entries_reasons  # noqa: F401
from exports import reasons as exports_reasons  # noqa: F401
from monoql import core_reasons  # noqa: F401


class MonoqlConfig(AppConfig):
    """The ``monoql`` app: core plumbing, root composition, workflows and the fan site."""

    name = "monoql"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from monoql import tasks  # noqa: F401 - register the tasks in web processes too
        from monoql.site import checks  # noqa: F401 - registers the deploy checks
