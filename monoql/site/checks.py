"""``manage.py check --deploy``: the fan site's development sign-in must not be reachable in a deployment."""

from django.core.checks import Error, Tags, register

from monoql.site.views import dev_sign_in_enabled


@register(Tags.security, deploy=True)
def development_sign_in_is_off(app_configs, **kwargs):
    """Refuse a deployment whose fan sites would offer the development sign-in form (any email, no password)."""
    if dev_sign_in_enabled():
        return [
            Error(
                "The fan site's development sign-in form is on: anyone could sign in as any email.",
                hint="Set IDENTITY_PROVIDER=configured (with its keys) and DEPLOYMENT=production.",
                id="monoql.E001",
            )
        ]
    return []
