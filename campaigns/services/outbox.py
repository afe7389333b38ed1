"""Outbound events through a transactional outbox (catalog §3.12, issue 3 item 7; issue 36 item 3).

``record_event`` writes an ``OutboundEvent`` row in the caller's transaction; ``drain_outbound_events`` (run by a
Celery task after each commit and by beat) delivers pending events, oldest first, to every configured sink
(``campaigns.sinks``) that takes their type, **once per sink**: each (event, sink) pair is an ``OutboundDelivery``
row, claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` and held while that one sink sends (never a lock on the event
itself), so two drains at once never send an event twice to a sink, and a sink that is down or slow is retried on
its own without the others sending again. A failing delivery keeps ``attempts``, ``last_error`` and
``next_attempt_at``: exponential backoff (``BACKOFF_BASE_SECONDS`` × 2^(attempts−1), at most
``BACKOFF_CAP_SECONDS``); a sink that failed is not tried again in the same drain (a hanging sink costs one
timeout per drain, not one per event). The event is dispatched once every delivery is; its ``attempts``,
``last_error`` and ``next_attempt_at`` summarise its deliveries for the admin. Rows that failed ``MAX_ATTEMPTS``
times are dead letters, listed in the admin for an operator. Webhooks carry the event id as ``Idempotency-Key``: a
drain that dies after the receiver took the event but before recording it sends it again with the same key.

Event types: ``campaign.created``, ``campaign.updated``, ``campaign.statusChanged``, ``market.created``,
``market.updated``, ``market.deleted``, ``market.presaleTimeChanged``; ``cdn.purge`` (surrogate keys of the fan
site's pages, for the CDN sink only: a purge never runs in the request that changed the campaign).
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from campaigns.models import OutboundDelivery, OutboundEvent
from campaigns.sinks import CDN_PURGE_EVENT, configured_sinks
from monoql.queue import enqueue_on_commit

logger = logging.getLogger("monoql.outbound")
MAX_ATTEMPTS = 10
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
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


def record_purge(campaign_id: str, keys: list[str]) -> None:
    """Record a CDN purge of ``keys`` (``campaigns.cdn.surrogate_keys``) in the current transaction, when a CDN is
    configured (``CDN_PURGE`` ≠ ``none``); the outbox's CDN sink purges after commit. Returns None."""
    if settings.CDN_PURGE != "none":
        record_event(CDN_PURGE_EVENT, campaign_id=campaign_id, payload={"keys": list(keys)})


@dataclass
class DrainResult:
    """Counts of one drain run, in deliveries (an event to a sink)."""

    sent: int = 0
    failed: int = 0


def backoff_seconds(attempts: int) -> int:
    """Seconds before the next try of an event that failed ``attempts`` times (30 s, 60 s, 120 s … ≤ 1 h)."""
    return min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def sink_name(sink) -> str:
    """The sink's name (``sink.name``; a class without one is named after its class, lower-cased)."""
    return getattr(sink, "name", type(sink).__name__.lower())


def takes(sink, event_type: str) -> bool:
    """Whether ``sink`` takes events of ``event_type``: ``sink.accepts(event_type)`` when it says, else every type
    but ``cdn.purge`` (the CDN sink's alone)."""
    accepts = getattr(sink, "accepts", None)
    return accepts(event_type) if accepts is not None else event_type != CDN_PURGE_EVENT


def _plan(batch_size: int, sinks: dict) -> None:
    """Give the oldest undispatched events one delivery row per sink that takes them (existing rows stay); an event
    no sink takes is dispatched at once."""
    events = list(
        OutboundEvent.objects.filter(date_dispatched__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .exclude(deliveries__isnull=False)
        .order_by("id")
        .values_list("pk", "event_type")[:batch_size]
    )
    rows = [
        OutboundDelivery(event_id=pk, sink=name)
        for pk, event_type in events
        for name, sink in sinks.items()
        if takes(sink, event_type)
    ]
    OutboundDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    planned = {row.event_id for row in rows}
    nothing = [pk for pk, _ in events if pk not in planned]
    if nothing:
        OutboundEvent.objects.filter(pk__in=nothing, date_dispatched__isnull=True).update(
            date_dispatched=timezone.now()
        )


def _next_delivery(names: list[str], now):
    """Lock the oldest due delivery to one of ``names`` that no other drain holds (None when there is none)."""
    return (
        OutboundDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("event")
        .filter(sink__in=names, date_delivered__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("event_id", "id")
        .first()
    )


def _deliver_one(sinks: dict, down: set, now) -> bool | None:
    """Claim, send and record one delivery in one transaction: True sent, False failed, None nothing due."""
    with transaction.atomic():
        delivery = _next_delivery(sorted(set(sinks) - down), now)
        if delivery is None:
            return None
        event = delivery.event
        attempts = delivery.attempts + 1
        try:
            with transaction.atomic():  # a savepoint: a sink reading the database cannot break the claim
                sinks[delivery.sink].send(event)
        except Exception as error:  # noqa: BLE001 - any sink failure keeps the delivery pending
            down.add(delivery.sink)
            message = f"{delivery.sink}: {type(error).__name__}: {error}"[:2000]
            retry = now + timedelta(seconds=backoff_seconds(attempts))
            OutboundDelivery.objects.filter(pk=delivery.pk).update(
                attempts=attempts, last_error=message, next_attempt_at=retry
            )
            OutboundEvent.objects.filter(pk=event.pk).update(
                attempts=Greatest(F("attempts"), attempts), last_error=message, next_attempt_at=retry
            )
            logger.warning(
                "outbound event %s to %s failed (attempt %s): %s", event.pk, delivery.sink, attempts, message
            )
            return False
        OutboundDelivery.objects.filter(pk=delivery.pk).update(attempts=attempts, date_delivered=timezone.now())
        OutboundEvent.objects.filter(pk=event.pk).update(attempts=Greatest(F("attempts"), attempts))
        if not OutboundDelivery.objects.filter(event_id=event.pk, date_delivered__isnull=True).exists():
            OutboundEvent.objects.filter(pk=event.pk).update(date_dispatched=timezone.now(), next_attempt_at=None)
        return True


def drain_outbound_events(*, batch_size: int = 100, sinks=None, now=None) -> DrainResult:
    """Deliver up to ``batch_size`` due events to every sink that takes them, oldest first, once per sink.

    Args: ``sinks`` overrides the configured sinks (tests); ``now`` the time of the run (UTC, default now);
        ``batch_size`` the events planned and, per sink, the deliveries tried in this run.
    Returns: DrainResult (``sent`` and ``failed`` count deliveries).
    """
    sinks = {sink_name(sink): sink for sink in (configured_sinks() if sinks is None else sinks)}
    now = now or timezone.now()
    _plan(batch_size, sinks)
    result = DrainResult()
    down: set[str] = set()
    for _ in range(batch_size * max(len(sinks), 1)):
        outcome = _deliver_one(sinks, down, now)
        if outcome is None:
            break
        if outcome:
            result.sent += 1
        else:
            result.failed += 1
    return result
