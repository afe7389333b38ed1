"""Identity-widget and privacy-consent (PPC) configuration by request host (catalog §1.2 ``identity``/``ppc``, §1.7)."""

from django.conf import settings


def brand_for_host(host: str) -> str:
    """Return ``livenation``, ``ca``, ``mx`` or ``default`` for a request host (port ignored)."""
    host = (host or "").split(":")[0].lower()
    if "livenation" in host:
        return "livenation"
    if host.endswith(".com.mx") or host.endswith(".mx"):
        return "mx"
    if host.endswith(".ca"):
        return "ca"
    return "default"


def identity_config(host: str) -> dict:
    """``Identity {url, version, integratorId, placementId}`` for ``host``."""
    urls = settings.IDENTITY_WIDGET_URLS
    return {
        "url": urls.get(brand_for_host(host)) or urls.get("default"),
        "version": settings.IDENTITY_WIDGET_VERSION,
        "integratorId": settings.IDENTITY_INTEGRATOR_ID or None,
        "placementId": settings.IDENTITY_PLACEMENT_ID or None,
    }


def ppc_config(host: str) -> dict:
    """``Ppc {url, id, token}`` for ``host``."""
    urls = settings.PPC_URLS
    return {
        "url": urls.get(brand_for_host(host)) or urls.get("default"),
        "id": settings.PPC_ID or None,
        "token": settings.PPC_TOKEN or None,
    }
