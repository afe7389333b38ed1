"""Outbound events through a transactional outbox (catalog §3.12, issue 3 item 7).

``record_event`` writes an ``OutboundEvent`` row in the caller's transaction; ``drain_outbound_events``
(run by a Celery task after each commit and by beat) sends pending rows, oldest first, to every
configured sink (``campaigns.sinks``) and stamps them dispatched. A failing sink leaves the row pending
with ``attempts`` and ``last_error``; rows that failed ``MAX_ATTEMPTS`` times are left for an operator.

Event types: ``campaign.created``, ``campaign.updated``, ``campaign.statusChanged``, ``market.created``,
``market.updated``, ``market.deleted``, ``market.presaleTimeChanged``.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from campaigns.models import OutboundEvent
from campaigns.sinks import configured_sinks
from monoql.queue import enqueue_on_commit

logger = logging.getLogger("monoql.outbound")
MAX_ATTEMPTS = 10
DRAIN_TASK = "campaigns.drain_outbound_events"


def record_event(event_type: str, *, campaign_id: str, market_id: str = "", payload: dict | None = None):
    """Record one outbound event in the current transaction and queue a drain after commit.

    Args:
        event_type: one of the module's event types.
        campaign_id / market_id: what changed (24-hex ids).
        payload: JSON object sent to the sinks (the changed document, ``{from, to}`` for a status).
    Returns: the OutboundEvent row.
    """
    event = OutboundEvent.objects.create(
        event_type=event_type, campaign_id=campaign_id, market_id=market_id or "", payload=payload or {}
    )
    enqueue_on_commit(DRAIN_TASK)
    return event


@dataclass
class DrainResult:
    """Counts of one drain run."""

    sent: int = 0
    failed: int = 0


def drain_outbound_events(*, batch_size: int = 100, sinks=None) -> DrainResult:
    """Send up to ``batch_size`` pending events to every sink, oldest first.

    Rows are locked ``FOR UPDATE SKIP LOCKED`` for the duration, so concurrent drains never send one
    event twice. Args: ``sinks`` overrides the configured sinks (tests). Returns: DrainResult.
    """
    sinks = configured_sinks() if sinks is None else sinks
    result = DrainResult()
    with transaction.atomic():
        pending = list(
            OutboundEvent.objects.select_for_update(skip_locked=True)
            .filter(date_dispatched__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .order_by("id")[:batch_size]
        )
        for event in pending:
            try:
                for sink in sinks:
                    sink.send(event)
            except Exception as error:  # noqa: BLE001 - any sink failure keeps the event pending
                event.attempts += 1
                event.last_error = f"{type(error).__name__}: {error}"[:2000]
                event.save(update_fields=["attempts", "last_error"])
                logger.warning("outbound event %s failed: %s", event.pk, event.last_error)
                result.failed += 1
                continue
            event.date_dispatched = timezone.now()
            event.attempts += 1
            event.save(update_fields=["date_dispatched", "attempts"])
            result.sent += 1
    return result
