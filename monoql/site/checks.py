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
    if settings.PRODUCTION and not proxies_configured():
        return [Warning(PROXY_WARNING, hint=PROXY_HINT, id="monoql.W002")]
    return []


PROXY_WARNING = (
    "Neither RATE_LIMIT_TRUSTED_PROXY_ADDRESSES nor RATE_LIMIT_TRUSTED_PROXIES is set: rate limits, sign-in limits and "
    "the admin login lockout count per connecting address, so behind a load balancer every fan shares one budget "
    "and one bot can lock the real admin out."
)
PROXY_HINT = (
    "Set RATE_LIMIT_TRUSTED_PROXY_ADDRESSES to the load balancers' addresses (or RATE_LIMIT_TRUSTED_PROXIES to "
    "their number when gunicorn cannot be reached directly); docs/operations.md."
)


def proxies_configured() -> bool:
    """True when the client address is read through configured proxies (an allowlist or a count)."""
    return bool(settings.RATE_LIMIT_TRUSTED_PROXY_ADDRESSES) or settings.RATE_LIMIT_TRUSTED_PROXIES > 0
