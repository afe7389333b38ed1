"""``manage.py check --deploy``: the fan site's development sign-in must not be reachable in a deployment."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

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


@register(Tags.security, deploy=True)
def trusted_proxies_are_set(app_configs, **kwargs):
    """Warn when production counts anonymous rate limits per connecting address without trusting a proxy:
    behind a load balancer every fan would share the balancer's address, and so one budget."""
    if settings.PRODUCTION and settings.RATE_LIMIT_TRUSTED_PROXIES == 0:
        return [
            Warning(
                "RATE_LIMIT_TRUSTED_PROXIES is 0: anonymous limits count per connecting address, so behind a load "
                "balancer every fan shares one budget.",
                hint="Set RATE_LIMIT_TRUSTED_PROXIES to the number of proxies in front of the app (docs/operations.md).",
                id="monoql.W002",
            )
        ]
    return []
