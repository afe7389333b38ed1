"""How long an entry keeps where it came from (issue 32; decisions.md "Entry origin retention").

``entry.origin`` holds the request metadata of the fan's last submission: address, user agent, forwarded-for
chain, session id, country and the referral keys. ``ENTRY_ORIGIN_RETENTION_DAYS`` (default 30) after the entry
was last written, the beat task reduces it to what a bot score may still need, in derived form: the address
block (IPv4 /24, IPv6 /48), a hash of the user agent (SHA-256, first 16 hex digits), the country and the
referral keys. The full address, the user agent, the forwarded-for chain and the session id are gone.
"""

import hashlib
import ipaddress
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from entries.models import Entry
from monoql.audit import Actor, record

logger = logging.getLogger("monoql.entries")

MINIMIZE_TASK = "entries.minimize_entry_origins"
#: The keys of ``entry.origin`` that identify a device or a person; dropped when the retention period ends.
PERSONAL_KEYS = ("ip", "user_agent", "forwarded_for", "session_id")
BATCH = 5000


def ip_block(ip: str) -> str:
    """The network an address belongs to: ``203.0.113.0/24`` for IPv4, ``2001:db8:1::/48`` for IPv6; "" when
    ``ip`` is not an address."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def user_agent_hash(user_agent: str) -> str:
    """SHA-256 of the user agent, first 16 hex digits: the same browser build matches, the string is gone."""
    return hashlib.sha256(user_agent.encode("utf-8")).hexdigest()[:16]


def minimized_origin(origin: dict) -> dict:
    """``origin`` without its personal keys, with the address block and user-agent hash derived from them."""
    kept = {key: value for key, value in origin.items() if key not in PERSONAL_KEYS}
    if origin.get("ip") and ip_block(str(origin["ip"])):
        kept["ip_block"] = ip_block(str(origin["ip"]))
    if origin.get("user_agent"):
        kept["user_agent_hash"] = user_agent_hash(str(origin["user_agent"]))
    return kept


def minimize_entry_origins(*, actor: Actor, now=None) -> int:
    """Reduce the origin of every entry last written ``ENTRY_ORIGIN_RETENTION_DAYS`` days before ``now`` (UTC)
    that still holds personal keys (beat: ``entries.minimize_entry_origins``, hourly), ``BATCH`` entries per
    transaction. A setting of 0 keeps origins forever.

    Args: ``actor``: the beat (or a command): a run that reduced anything writes one audit-log row with the count.
    Returns: the number of entries reduced (also logged).
    """
    days = settings.ENTRY_ORIGIN_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    holds_personal = Q()
    for key in PERSONAL_KEYS:
        holds_personal |= Q(origin__has_key=key)
    due = Entry.objects.filter(holds_personal, date_updated__lt=cutoff)
    reduced = 0
    while True:
        with transaction.atomic():
            batch = list(due.select_for_update(skip_locked=True).only("pk", "origin").order_by("pk")[:BATCH])
            if not batch:
                break
            for entry in batch:
                entry.origin = minimized_origin(entry.origin or {})
            Entry.objects.bulk_update(batch, ["origin"], batch_size=1000)
            reduced += len(batch)
    if reduced:
        logger.info("entry origins reduced after %s days: %s entries", days, reduced)
        with transaction.atomic():
            record(actor, "entries.minimizeOrigins", changes={"entries": reduced, "retentionDays": days})
    return reduced
