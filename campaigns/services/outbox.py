"""Outbound events through a transactional outbox (catalog §3.12, issue 3 item 7).

``record_event`` writes an ``OutboundEvent`` row in the caller's transaction; ``drain_outbound_events``
(run by a Celery task after each commit and by beat) sends pending rows, oldest first, to every
configured sink (``campaigns.sinks``) and stamps them dispatched. A drain first *claims* its rows (a short
transaction sets ``claimed_until``, a lease) and commits, then sends outside any lock and records each
outcome, so a slow sink holds no database lock and a dead drain's rows are claimed again when its lease
ends. A failing sink leaves the row pending with ``attempts``, ``last_error`` and ``next_attempt_at``:
exponential backoff (``BACKOFF_BASE_SECONDS`` × 2^(attempts−1), at most ``BACKOFF_CAP_SECONDS``). Rows that
failed ``MAX_ATTEMPTS`` times are dead letters, listed in the admin for an operator.

Event types: ``campaign.created``, ``campaign.updated``, ``campaign.statusChanged``, ``market.created``,
``market.updated``, ``market.deleted``, ``market.presaleTimeChanged``.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.models import OutboundEvent
from campaigns.sinks import configured_sinks
from monoql.queue import enqueue_on_commit

logger = logging.getLogger("monoql.outbound")
MAX_ATTEMPTS = 10
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
CLAIM_SECONDS = 120
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


def backoff_seconds(attempts: int) -> int:
    """Seconds before the next try of an event that failed ``attempts`` times (30 s, 60 s, 120 s … ≤ 1 h)."""
    return min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def _claim(batch_size: int, now) -> list[OutboundEvent]:
    """Claim up to ``batch_size`` due events for ``CLAIM_SECONDS`` (one short transaction), oldest first."""
    with transaction.atomic():
        due = (
            OutboundEvent.objects.select_for_update(skip_locked=True)
            .filter(date_dispatched__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("id")[:batch_size]
        )
        events = list(due)
        OutboundEvent.objects.filter(pk__in=[e.pk for e in events]).update(
            claimed_until=now + timedelta(seconds=CLAIM_SECONDS)
        )
    return events


def drain_outbound_events(*, batch_size: int = 100, sinks=None, now=None) -> DrainResult:
    """Send up to ``batch_size`` due events to every sink, oldest first.

    Rows are claimed first (a lease, committed), then sent outside any lock; concurrent drains never send
    one event twice. A failure schedules the next try with exponential backoff.
    Args: ``sinks`` overrides the configured sinks (tests); ``now`` the time of the run (UTC, default now).
    Returns: DrainResult.
    """
    sinks = configured_sinks() if sinks is None else sinks
    now = now or timezone.now()
    result = DrainResult()
    for event in _claim(batch_size, now):
        try:
            for sink in sinks:
                sink.send(event)
        except Exception as error:  # noqa: BLE001 - any sink failure keeps the event pending
            attempts = event.attempts + 1
            message = f"{type(error).__name__}: {error}"[:2000]
            OutboundEvent.objects.filter(pk=event.pk).update(
                attempts=attempts,
                last_error=message,
                claimed_until=None,
                next_attempt_at=now + timedelta(seconds=backoff_seconds(attempts)),
            )
            logger.warning("outbound event %s failed (attempt %s): %s", event.pk, attempts, message)
            result.failed += 1
            continue
        OutboundEvent.objects.filter(pk=event.pk).update(
            date_dispatched=timezone.now(), attempts=event.attempts + 1, claimed_until=None
        )
        result.sent += 1
    return result
