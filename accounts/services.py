"""Account writes: sign a fan in from an identity token (catalog §3.4)."""

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.fan_cache import cached_fan
from accounts.identity import IdentityClaims, verify_identity_token
from accounts.models import CampaignAction, CampaignPermission, Fan, Supreme
from accounts.permissions import campaign_permissions, is_supreme
from accounts.tokens import SessionToken, issue_session_token
from monoql.audit import Actor, record
from monoql.errors import ValidationFailed


@dataclass(frozen=True)
class SignIn:
    """Result of ``authenticate``: the fan and the session token issued for it."""

    fan: Fan
    session: SessionToken


def upsert_fan(claims: IdentityClaims) -> Fan:
    """Create or update the fan named by ``claims`` (matched by global user id, else member id).

    Profile fields from the identity provider overwrite stored ones when present. Safe under
    concurrent sign-ins of the same fan (the unique ids decide; the loser re-reads).
    Returns: the saved Fan.
    """
    match = Q()
    if claims.global_user_id:
        match |= Q(global_user_id=claims.global_user_id)
    if claims.member_id:
        match |= Q(member_id=claims.member_id)
    updates = {
        name: value
        for name, value in {
            "email": claims.email,
            "first_name": claims.first_name,
            "last_name": claims.last_name,
            "phone": claims.phone,
            "zip": claims.zip,
        }.items()
        if value
    }
    for attempt in range(2):
        try:
            with transaction.atomic():
                fan = Fan.objects.select_for_update().filter(match).order_by("date_created").first()
                if fan is None:
                    fan = Fan(global_user_id=claims.global_user_id, member_id=claims.member_id)
                if claims.global_user_id and not fan.global_user_id:
                    fan.global_user_id = claims.global_user_id
                if claims.member_id and not fan.member_id:
                    fan.member_id = claims.member_id
                for name, value in updates.items():
                    setattr(fan, name, value)
                if claims.facts:
                    fan.profile_facts = {**fan.profile_facts, **claims.facts}
                fan.date_last_login = timezone.now()
                fan.save()
                return fan
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def authenticate(identity_token: str, *, admit=None) -> SignIn:
    """Verify an identity token, upsert its fan and issue our session JWT.

    Args: ``admit``: optional ``admit(claims)`` called once the token is verified and before anything is written
        (the adapters' per-account sign-in limit); it raises to refuse.
    Returns: SignIn(fan, session token with expiry in epoch seconds).
    Raises:
        Unauthenticated: the identity token is missing, tampered or expired; whatever ``admit`` raises.
    """
    claims = verify_identity_token(identity_token)
    if admit is not None:
        admit(claims)
    fan = upsert_fan(claims)
    if not transaction.get_connection().in_atomic_block:
        # The fan's next requests (the campaign page, registration) read it from the cache: fill it now,
        # the race-free way (version, then the committed row). Inside an outer transaction the row is not
        # committed yet: the first request fills it instead.
        cached_fan(fan.pk)
    session = issue_session_token(
        fan.pk,
        is_supreme=is_supreme(fan),
        permissions=campaign_permissions(fan),
        tm_sig=claims.signature,
    )
    return SignIn(fan=fan, session=session)


def grant_campaign_permission(*, fan_id: str, campaign_id: str, action: str, actor: Actor):
    """Let fan ``fan_id`` take ``action`` (``read|write|report|select|invite``) on campaign ``campaign_id``.

    Idempotent: granting a permission the fan holds returns the existing row. ``actor``: who grants (their fan is
    recorded as ``granted_by``; one audit-log row, ``permission.grant``, about the fan).
    Returns: the CampaignPermission. Raises: ValidationFailed ``INVALID_ACTION`` (field ``action``).
    """
    if action not in CampaignAction.values:
        raise ValidationFailed(f"Unknown campaign action '{action}'.", reason="INVALID_ACTION", field="action")
    with transaction.atomic():
        permission, created = CampaignPermission.objects.get_or_create(
            fan_id=fan_id, campaign_id=campaign_id, action=action, defaults={"granted_by_id": actor.fan_id}
        )
        record(
            actor,
            "permission.grant",
            campaign_id=campaign_id,
            target=f"fan:{fan_id}",
            subject_fan_id=fan_id,
            changes={"action": action, "created": created},
        )
    return permission


def revoke_campaign_permission(permission_id: int, *, actor: Actor) -> int:
    """Withdraw one granted campaign permission; one audit-log row by ``actor`` (``permission.revoke``) when one
    was removed. Returns: 1 when removed, 0 when it was already gone."""
    with transaction.atomic():
        permission = CampaignPermission.objects.select_for_update().filter(pk=permission_id).first()
        if permission is None:
            return 0
        permission.delete()
        record(
            actor,
            "permission.revoke",
            campaign_id=permission.campaign_id,
            target=f"fan:{permission.fan_id}",
            subject_fan_id=permission.fan_id,
            changes={"action": permission.action},
        )
        return 1


def set_supreme(fan_id: str, active: bool, *, actor: Actor) -> Supreme:
    """Make fan ``fan_id`` supreme (``active``) or disable it; a disabled row stays as history (``date_disabled``).
    One audit-log row by ``actor`` (``supreme.set``, about the fan).

    Returns: the Supreme row.
    """
    with transaction.atomic():
        supreme, _ = Supreme.objects.select_for_update().get_or_create(fan_id=fan_id)
        if supreme.is_active != active or supreme.date_disabled is None and not active:
            supreme.is_active = active
            supreme.date_disabled = None if active else timezone.now()
            supreme.save()
        record(
            actor,
            "supreme.set",
            target=f"fan:{fan_id}",
            subject_fan_id=fan_id,
            changes={"active": active},
        )
    return supreme


def hold_fan(fan_id: str | None) -> bool:
    """Keep the fan ``fan_id`` from being erased until the caller's transaction ends (PostgreSQL ``FOR KEY SHARE`` on
    its row: an erasure deletes the row, so it waits; writers holding the same fan never wait for each other).

    A writer naming a fan found by identifier (a wave's ``globalUserId``) calls this before writing the fan's id
    anywhere without a foreign key (``codes_code.fan_id``): an erasure that began first is waited for and the fan is
    then gone; one that begins later finds what this transaction wrote (``monoql.workflows.privacy``).
    Returns: True when the fan exists (and is held). Raises: RuntimeError outside ``transaction.atomic()``.
    """
    if not fan_id:
        return False
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("hold_fan holds nothing outside a transaction")
    if connection.vendor != "postgresql":
        return Fan.objects.filter(pk=fan_id).exists()  # SQLite: one writer at a time
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM accounts_fan WHERE id = %s FOR KEY SHARE", [fan_id])
        return cursor.fetchone() is not None
