"""CDN purge by surrogate key (issue 24; the original purged Fastly on domain and content changes).

The fan site's cacheable answers carry ``Surrogate-Key: campaign-{id} domain-{domain}``
(``surrogate_keys``). A write to a campaign, its locales (content) or markets records a ``cdn.purge`` outbound
event in its transaction (``campaigns.services.outbox.record_purge``); the outbox's CDN sink purges the keys
through the configured purger (``CDN_PURGE``): ``none`` (default: nothing in front, cached pages expire by
``max-age``, and nothing is recorded) or ``fastly`` (``POST https://api.fastly.com/service/{CDN_FASTLY_SERVICE_ID}/purge``
with the keys in ``Surrogate-Key`` and ``Fastly-Key: CDN_FASTLY_API_TOKEN``). A failed or hanging purge is
retried by the outbox and never slows or fails the write (issue 36).
"""

import logging

import requests
from django.conf import settings

logger = logging.getLogger("monoql.cdn")


def surrogate_keys(campaign_id: str, domain: str = "") -> list[str]:
    """The surrogate keys of a campaign's fan-site answers: ``campaign-{id}`` and, with a domain, ``domain-{site}``."""
    keys = [f"campaign-{campaign_id}"]
    if domain:
        keys.append(f"domain-{domain.lower()}")
    return keys


class NoopPurger:
    """Nothing in front of the site: purging is a no-op (logged at debug level)."""

    def purge(self, keys: list[str]) -> None:
        logger.debug("cdn purge (none configured): %s", keys)


class FastlyPurger:
    """Fastly's purge by surrogate key (soft purge: stale content may serve while the origin refills)."""

    def __init__(self, service_id: str, api_token: str, timeout: float = 5.0):
        self.service_id, self.api_token, self.timeout = service_id, api_token, timeout

    def purge(self, keys: list[str]) -> None:
        response = requests.post(
            f"https://api.fastly.com/service/{self.service_id}/purge",
            headers={"Fastly-Key": self.api_token, "Surrogate-Key": " ".join(keys), "Fastly-Soft-Purge": "1"},
            timeout=self.timeout,
        )
        response.raise_for_status()


def purger():
    """The configured purger (``CDN_PURGE``: ``none`` or ``fastly``)."""
    if settings.CDN_PURGE == "fastly":
        return FastlyPurger(settings.CDN_FASTLY_SERVICE_ID, settings.CDN_FASTLY_API_TOKEN)
    return NoopPurger()
