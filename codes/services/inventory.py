"""Reserve, assign, release and count codes (catalog §3.8; decisions.md "Codes" #21, #23–#25).

Every write is one transaction and leaves an audit row. Reservation picks rows with
``FOR UPDATE SKIP LOCKED``: concurrent reservers never wait for each other and never get the same code,
so no retry loop is needed (#23).
"""

import uuid
from datetime import timedelta
from typing import TypedDict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from codes.models import RESERVATION_SECONDS, Code, CodeAudit, CodeAuditAction
from codes.services.idempotency import run_once
from codes.services.validation import check_codes, check_reserve, check_status, check_type
from monoql.audit import Actor, record
from monoql.locks import CODE_HOLDERS, lock_many


def audit_codes(
    actor: Actor, campaign_id: str, action: str, *, requested: int, changed: int, log: bool = True, **fields
):
    """Record a code action: its row in the codes' own trail (``CodeAudit``: counts, type, reservation) and, unless
    ``log`` is False (the action is part of a larger one that writes its own row, e.g. an erasure), the one row of
    the audit log (``monoql.audit``: who, through which door). ``fields``: type, reserve_id, detail."""
    CodeAudit.objects.create(
        campaign_id=campaign_id,
        action=action,
        actor=actor.fan,
        actor_label=actor.label[:255],
        requested=requested,
        changed=changed,
        **fields,
    )
    if log:
        summary = {"requested": requested, "changed": changed}
        if fields.get("type"):
            summary["type"] = fields["type"]
        record(actor, f"codes.{action}", campaign_id=campaign_id, changes=summary)


#: The holder-lock key every erasure takes, beside its campaigns: writers that name a fan found by identifier rather
#: than through an entry of the campaign (waves, by globalUserId) take it too, shared.
def lock_code_holders(campaign_ids, *, exclusive: bool = False) -> None:
    """Order the writers of a code's holder (``Code.entry``/``Code.fan``) against fan erasure, per campaign, until the
    caller's transaction ends.

    The holder columns carry no database constraint (``codes.models``: checking one locked the entry and fan rows
    of every assignment), so this lock keeps them from naming an erased fan. Every assigner takes its campaign's key
    shared (assigners never wait for each other), then reads the entry or fan it writes; an erasure takes the keys of
    the fan's campaigns exclusive before it detaches the fan's codes and deletes the fan, so it waits for the
    assignments in flight there and the next ones see the fan gone, while assignment in other campaigns goes on.
    Writers that find a fan by identifier in a campaign the fan may not be linked to (a wave's ``globalUserId``) also
    hold the fan's row (``accounts.services.hold_fan``), which the erasure deletes: no lock spans every campaign.
    Keys are taken in sorted order (``monoql.locks``: no deadlock between callers needing several), the wait is
    bounded (``LOCK_TIMEOUT``), and outside a transaction the call raises: it would protect nothing.
    Args: ``campaign_ids``: one id or several; ``exclusive``: True for erasure.
    Raises: TransactionRequired outside ``transaction.atomic()``; Unavailable ``LOCK_TIMEOUT``.
    """
    keys = [campaign_ids] if isinstance(campaign_ids, str) else list(campaign_ids)
    lock_many(
        CODE_HOLDERS,
        keys,
        shared=not exclusive,
        timeout_seconds=settings.HOLDER_LOCK_TIMEOUT_SECONDS,
        what="the codes' holders (an erasure or an assignment)",
    )


def _expiry(now):
    return now - timedelta(seconds=RESERVATION_SECONDS)


def available_q(now) -> Q:
    """Codes that may be reserved now: unassigned and never reserved or reserved ≥ 24 h ago."""
    return Q(date_assigned__isnull=True) & (Q(date_reserved__isnull=True) | Q(date_reserved__lte=_expiry(now)))


_TAKE_SQL = """
    UPDATE codes_code SET date_reserved = %(now)s, reserve_id = %(reserve_id)s
    WHERE id IN (
        SELECT id FROM codes_code
        WHERE campaign_id = %(campaign_id)s AND type = %(type)s AND date_assigned IS NULL AND {condition}
        ORDER BY {order} LIMIT %(count)s
        FOR UPDATE SKIP LOCKED
    )
    RETURNING id, code
"""
_FRESH = ("date_reserved IS NULL", "date_saved, id")  # the order of code_fresh_idx (upload order)
_EXPIRED = ("date_reserved <= %(expiry)s", "date_reserved, id")  # the order of code_unassigned_idx


def _take_postgresql(campaign_id, code_type, count, now, reserve_id, *, fresh):
    """Reserve up to ``count`` codes in one statement; ``fresh`` = never reserved, else expired reservations."""
    condition, order = _FRESH if fresh else _EXPIRED
    params = {
        "now": now,
        "reserve_id": reserve_id,
        "campaign_id": campaign_id,
        "type": code_type,
        "count": count,
        "expiry": _expiry(now),
    }
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_SQL.format(condition=condition, order=order), params)
        return [code for _, code in sorted(cursor.fetchall())]


def _take_portable(campaign_id, code_type, count, now, reserve_id, *, fresh):
    """The same on databases without SKIP LOCKED (SQLite serialises writers anyway)."""
    pool = Code.objects.filter(campaign_id=campaign_id, type=code_type, date_assigned__isnull=True)
    pool = pool.filter(date_reserved__isnull=True) if fresh else pool.filter(date_reserved__lte=_expiry(now))
    picked = list(pool.order_by("date_saved" if fresh else "date_reserved", "id").values_list("id", flat=True)[:count])
    Code.objects.filter(id__in=picked).update(date_reserved=now, reserve_id=reserve_id)
    return list(Code.objects.filter(id__in=picked).order_by("id").values_list("code", flat=True))


class Reservation(TypedDict):
    """``GET /:campaignId/reserve`` (catalog §2.3)."""

    reserveId: str
    codes: list[str]
    count: int


#: ``{"in": codes sent, "updated": codes changed}`` (``in`` is a Python keyword, hence the call syntax).
ChangeCountInner = TypedDict("ChangeCountInner", {"in": int, "updated": int})


class ChangeCount(TypedDict):
    """``POST /:campaignId/assign|release`` (catalog §2.3)."""

    count: ChangeCountInner


def reserve_codes(
    campaign_id: str, count, code_type, *, actor: Actor, idempotency_key: str | None = None
) -> Reservation:
    """Reserve up to ``count`` available codes of ``code_type`` (``GET /:campaignId/reserve``).

    Returns: ``{"reserveId": uuid str, "codes": [str], "count": int}``; fewer codes (or none) when the pool
    runs out. Raises ValidationFailed (``missingCodeReserveParams``, ``invalidCount``, ``InvalidType``).
    """
    count, code_type = check_reserve(count, code_type)

    def work():
        now = timezone.now()
        reserve_id = uuid.uuid4()
        take = _take_postgresql if connection.vendor == "postgresql" else _take_portable
        codes = take(campaign_id, code_type, count, now, reserve_id, fresh=True)
        if len(codes) < count:
            codes += take(campaign_id, code_type, count - len(codes), now, reserve_id, fresh=False)
        audit_codes(
            actor,
            campaign_id,
            CodeAuditAction.RESERVE,
            requested=count,
            changed=len(codes),
            type=code_type,
            reserve_id=reserve_id,
        )
        return {"reserveId": str(reserve_id), "codes": codes, "count": len(codes)}

    with transaction.atomic():
        return run_once(actor=actor.key, scope=f"reserve:{campaign_id}", key=idempotency_key, work=work)


def assign_codes(
    campaign_id: str, codes, *, actor: Actor, entry=None, idempotency_key: str | None = None
) -> ChangeCount:
    """Mark codes assigned (``POST /:campaignId/assign``); idempotent, the first assigned date is kept (#25).

    Works with or without a reservation, expired or not. ``entry`` (optional) records who got them: read it after
    ``lock_code_holders()`` in the caller's transaction (``entries.services.code_holders``).
    Returns: ``{"count": {"in": n codes sent, "updated": n newly assigned}}``.
    Raises ValidationFailed (``missingCodes``, ``invalidCodesProp``, ``emptyCodes``).
    """
    codes = check_codes(codes)

    def work():
        lock_code_holders(campaign_id)
        now = timezone.now()
        changes = {"date_assigned": now}
        if entry is not None:
            changes.update(entry=entry, fan_id=entry.fan_id)
        updated = Code.objects.filter(campaign_id=campaign_id, code__in=codes, date_assigned__isnull=True).update(
            **changes
        )
        detail = {"entryId": entry.pk} if entry is not None else {}
        audit_codes(actor, campaign_id, CodeAuditAction.ASSIGN, requested=len(codes), changed=updated, detail=detail)
        return {"count": {"in": len(codes), "updated": updated}}

    with transaction.atomic():
        return run_once(actor=actor.key, scope=f"assign:{campaign_id}", key=idempotency_key, work=work)


def release_codes(campaign_id: str, codes, *, actor: Actor) -> ChangeCount:
    """Release reserved, unassigned codes (``POST /:campaignId/release``): clears ``reserved`` and ``reserveId`` (#24).

    Idempotent. Returns ``{"count": {"in": n, "updated": n released}}``. Raises ValidationFailed as assign.
    """
    codes = check_codes(codes)
    with transaction.atomic():
        updated = Code.objects.filter(
            campaign_id=campaign_id, code__in=codes, date_assigned__isnull=True, date_reserved__isnull=False
        ).update(date_reserved=None, reserve_id=None)
        audit_codes(actor, campaign_id, CodeAuditAction.RELEASE, requested=len(codes), changed=updated)
    return {"count": {"in": len(codes), "updated": updated}}


def release_planned_codes(campaign_id: str, reserve_id: uuid.UUID, codes: list[str], *, actor: Actor) -> int:
    """Release the ``codes`` a wave prep reserved (``reserve_id``) that are still unassigned, for outcome rows that
    went away (a fan erased between wave prep and selection): they are available again at once instead of after
    the 24 h reservation. Codes assigned or reserved by someone else meanwhile are left alone. One row in the codes'
    trail; the erasure's own audit-log row counts them.

    Returns: the number of codes released (0 for an empty list, with no audit row).
    """
    if not codes:
        return 0
    with transaction.atomic():
        updated = Code.objects.filter(
            campaign_id=campaign_id, code__in=codes, reserve_id=reserve_id, date_assigned__isnull=True
        ).update(date_reserved=None, reserve_id=None)
        audit_codes(
            actor,
            campaign_id,
            CodeAuditAction.RELEASE,
            requested=len(codes),
            changed=updated,
            reserve_id=reserve_id,
            log=False,  # part of the erasure, whose own row counts the codes released
        )
    return updated


def count_codes(campaign_id: str, code_type, status=None) -> dict:
    """Count a pool by derived status in one query (``GET /:campaignId/codes/count``).

    Returns ``{"available": n, "assigned": n, "reserved": n}``, or only the requested key when ``status``
    is given. Raises ValidationFailed ``missingType``, ``InvalidType``, ``InvalidStatus`` (checked in that order).
    """
    code_type = check_type(code_type)
    status = check_status(status)
    now = timezone.now()
    reserved_q = Q(date_assigned__isnull=True, date_reserved__gt=_expiry(now))
    counts = Code.objects.filter(campaign_id=campaign_id, type=code_type).aggregate(
        assigned=Count("id", filter=Q(date_assigned__isnull=False)),
        reserved=Count("id", filter=reserved_q),
        available=Count("id", filter=available_q(now)),
    )
    return (
        {status: counts[status]}
        if status
        else {"available": counts["available"], "assigned": counts["assigned"], "reserved": counts["reserved"]}
    )


def detach_fan_codes(fan_id: str) -> int:
    """Forget who held codes (privacy erasure): ``fan`` and ``entry`` cleared, the codes stay used. Takes (again, if
    the erasure already holds them) the exclusive holder locks of the campaigns of those codes.

    Returns: the number of codes detached. Raises as ``lock_code_holders`` (TransactionRequired outside a transaction).
    """
    held = Code.objects.filter(fan_id=fan_id)
    lock_code_holders(sorted(set(held.values_list("campaign_id", flat=True))), exclusive=True)
    return held.update(fan=None, entry=None)
