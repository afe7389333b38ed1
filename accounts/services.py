"""Account writes: sign a fan in from an identity token (catalog §3.4); campaign permissions and teams (§3.3)."""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.fan_cache import cached_fan
from accounts.identity import IdentityClaims, verify_identity_token
from accounts.models import ROLES, CampaignAction, CampaignPermission, Fan, Supreme, TeamInvitation
from accounts.permissions import campaign_permissions, is_supreme
from accounts.reasons import AccountsReason
from accounts.tokens import SessionToken, issue_session_token
from monoql.audit import Actor, record
from monoql.errors import FORBIDDEN, DomainError, ValidationFailed
from monoql.transactions import require_transaction

logger = logging.getLogger("monoql.accounts")


@dataclass(frozen=True)
class SignIn:
    """Result of ``authenticate``: the fan and the session token issued for it."""

    fan: Fan
    session: SessionToken


#: The profile fields a sign-in copies from the identity claims when they carry a value.
_PROFILE_FIELDS = ("email", "first_name", "last_name", "phone", "zip")


def upsert_fan(claims: IdentityClaims, *, channel: str) -> Fan:
    """Create or update the fan named by ``claims`` (matched by global user id, else member id), and record the
    sign-in: one audit row ``fan.sign_in`` (the fan acting on themselves through ``channel``, a ``monoql.audit.Channel``:
    ``graphql`` for ``authenticate``, ``site`` for the fan site's OpenID Connect) with ``{"created": bool, "updated":
    [field names]}`` — the names of the profile fields the claims changed, never their values.

    Profile fields from the identity provider overwrite stored ones when present. Safe under
    concurrent sign-ins of the same fan (the unique ids decide; the loser re-reads).
    Returns: the saved Fan.
    """
    match = Q()
    if claims.global_user_id:
        match |= Q(global_user_id=claims.global_user_id)
    if claims.member_id:
        match |= Q(member_id=claims.member_id)
    updates = {name: getattr(claims, name) for name in _PROFILE_FIELDS if getattr(claims, name)}
    for attempt in range(2):
        try:
            with transaction.atomic():
                fan = Fan.objects.select_for_update().filter(match).order_by("date_created").first()
                created = fan is None
                if fan is None:
                    fan = Fan(global_user_id=claims.global_user_id, member_id=claims.member_id)
                if claims.global_user_id and not fan.global_user_id:
                    fan.global_user_id = claims.global_user_id
                if claims.member_id and not fan.member_id:
                    fan.member_id = claims.member_id
                changed = [name for name, value in updates.items() if getattr(fan, name) != value]
                for name, value in updates.items():
                    setattr(fan, name, value)
                if claims.facts:
                    fan.profile_facts = {**fan.profile_facts, **claims.facts}
                fan.date_last_login = timezone.now()
                fan.save()
                record(
                    Actor.fan_self(fan, channel),
                    "fan.sign_in",
                    target=f"fan:{fan.pk}",
                    subject_fan_id=fan.pk,
                    changes={"created": created, "updated": [] if created else changed},
                )
                return fan
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def authenticate(identity_token: str, *, channel: str, admit=None) -> SignIn:
    """Verify an identity token, upsert its fan (one ``fan.sign_in`` audit row through ``channel``) and issue our
    session JWT.

    Args: ``channel``: the door (``monoql.audit.Channel``); ``admit``: optional ``admit(claims)`` called once the
        token is verified and before anything is written (the adapters' per-account sign-in limit); it raises to
        refuse.
    Returns: SignIn(fan, session token with expiry in epoch seconds).
    Raises:
        Unauthenticated: the identity token is missing, tampered or expired; whatever ``admit`` raises.
    """
    return sign_in_claims(verify_identity_token(identity_token), channel=channel, admit=admit)


def sign_in_claims(claims: IdentityClaims, *, channel: str, admit=None) -> SignIn:
    """Upsert the fan that verified identity ``claims`` name and issue our session JWT: the one mapping of every
    sign-in door (``authenticate``'s identity token, the fan site's OpenID Connect ID token), so one person is one
    fan whichever door they use (matched by global user id = ``sub``, else member id).

    Args: ``channel``: the door the fan came through (``monoql.audit.Channel``: recorded on the sign-in's audit row);
        ``admit`` as ``authenticate``'s. Returns: SignIn. Raises: whatever ``admit`` raises.
    """
    if admit is not None:
        admit(claims)
    fan = upsert_fan(claims, channel=channel)
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
        raise ValidationFailed(
            f"Unknown campaign action '{action}'.", reason=AccountsReason.INVALID_ACTION, field="action"
        )
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
    Returns: True when the fan exists (and is held). Raises: TransactionRequired outside ``transaction.atomic()``.
    """
    if not fan_id:
        return False
    require_transaction("hold_fan (it holds nothing outside one)")
    if connection.vendor != "postgresql":
        return Fan.objects.filter(pk=fan_id).exists()  # SQLite: one writer at a time
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM accounts_fan WHERE id = %s FOR KEY SHARE", [fan_id])
        return cursor.fetchone() is not None


# --- Teams (catalog §3.3): roles, invitations by email, changes; every change audited -----------------------------

#: Django group every staff member who joined a team through an invitation belongs to: the admin pages a campaign
#: team works in (their rows are narrowed to the member's campaigns by ``CampaignScopedAdmin``).
STAFF_GROUP = "Campaign staff"
STAFF_APPS = ("campaigns", "codes", "entries", "selection", "exports")
STAFF_WRITES = (
    "change_campaign",
    "add_market",
    "change_market",
    "delete_market",
    "add_campaignlocale",
    "change_campaignlocale",
    "delete_campaignlocale",
    "add_waveprep",
    "add_wave",
    "add_export",
)
_INVITATION_SALT = "monoql.team-invitation"


def role_label(actions) -> str:
    """The name of the role whose actions are exactly ``actions`` (``ROLES``), else ``"Custom"``."""
    wanted = set(actions)
    for label, preset in ROLES.values():
        if set(preset) == wanted:
            return label
    return "Custom"


def may_manage_team(fan: Fan | None, campaign_id: str, *, superuser: bool = False) -> bool:
    """True when ``fan`` manages the campaign's team: a superuser, a supreme fan, or a holder of ``invite`` on it."""
    return superuser or is_supreme(fan) or "invite" in campaign_permissions(fan).get(str(campaign_id), [])


def grantable_actions(fan: Fan | None, campaign_id: str, *, superuser: bool = False) -> set[str]:
    """The actions ``fan`` may give on the campaign: all five for supreme users and superusers, else the ones they
    hold there (no one hands out more than they have). Empty when they do not manage the team."""
    if superuser or is_supreme(fan):
        return set(CampaignAction.values)
    held = set(campaign_permissions(fan).get(str(campaign_id), []))
    return held if "invite" in held else set()


def _checked_actions(actions, grantable: set[str], campaign_id: str) -> list[str]:
    chosen = sorted(set(actions or []))
    if not chosen:
        raise ValidationFailed(
            "Choose a role or at least one action.", reason=AccountsReason.NO_ACTIONS, field="actions"
        )
    unknown = [action for action in chosen if action not in CampaignAction.values]
    if unknown:
        raise ValidationFailed(
            f"Unknown campaign action '{unknown[0]}'.", reason=AccountsReason.INVALID_ACTION, field="actions"
        )
    if not grantable:
        raise DomainError(
            "Only supreme users and holders of 'invite' manage this campaign's team.",
            code=FORBIDDEN,
            reason=AccountsReason.NOT_TEAM_MANAGER,
        )
    beyond = [action for action in chosen if action not in grantable]
    if beyond:
        raise DomainError(
            f"You can give only the actions you hold on this campaign ({', '.join(sorted(grantable))}).",
            code=FORBIDDEN,
            reason=AccountsReason.ACTION_NOT_GRANTABLE,
            field="actions",
        )
    return chosen


def set_member_actions(*, fan_id: str, campaign_id: str, actions, grantable: set[str], actor: Actor) -> dict:
    """Make fan ``fan_id``'s actions on the campaign exactly ``actions`` (an empty list removes them from the team),
    granting and revoking through ``grant_campaign_permission``/``revoke_campaign_permission`` (one audit row each).

    Args: ``grantable``: what the acting staff member may give (``grantable_actions``); actions outside it are
        neither given nor taken away.
    Returns: ``{"granted": [actions], "revoked": [actions]}``.
    Raises: ValidationFailed ``INVALID_ACTION``; DomainError FORBIDDEN ``NOT_TEAM_MANAGER``/``ACTION_NOT_GRANTABLE``.
    """
    wanted = set(_checked_actions(actions, grantable, campaign_id)) if actions else set()
    if not grantable:
        _checked_actions(["read"], grantable, campaign_id)
    with transaction.atomic():
        held = {
            permission.action: permission.pk
            for permission in CampaignPermission.objects.select_for_update().filter(
                fan_id=fan_id, campaign_id=campaign_id
            )
        }
        revoked = sorted(action for action in held if action not in wanted and action in grantable)
        if set(held) - set(revoked) - wanted:
            beyond = sorted(set(held) - set(revoked) - wanted)
            raise DomainError(
                f"You can take away only the actions you hold on this campaign ({', '.join(sorted(grantable))}); "
                f"not {', '.join(beyond)}.",
                code=FORBIDDEN,
                reason=AccountsReason.ACTION_NOT_GRANTABLE,
                field="actions",
            )
        granted = sorted(wanted - set(held))
        for action in granted:
            grant_campaign_permission(fan_id=fan_id, campaign_id=campaign_id, action=action, actor=actor)
        for action in revoked:
            revoke_campaign_permission(held[action], actor=actor)
    return {"granted": granted, "revoked": revoked}


def invite_colleague(*, campaign_id: str, email: str, actions, grantable: set[str], actor: Actor) -> tuple:
    """Invite ``email`` to the campaign's team with ``actions``: a ``TeamInvitation`` and its link's token, an
    expiring (``TEAM_INVITATION_SECONDS``, 7 days), single-use signed value; the link is emailed once the
    invitation is stored. One audit-log row, ``team.invite`` (the address and actions).

    Returns: ``(TeamInvitation, token)``; the link is ``/staff/invitations/<token>/``.
    Raises: ValidationFailed ``INVALID_EMAIL`` (field ``email``), ``NO_ACTIONS``/``INVALID_ACTION`` (field
        ``actions``); DomainError FORBIDDEN ``NOT_TEAM_MANAGER``/``ACTION_NOT_GRANTABLE``.
    """
    email = (email or "").strip()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed(
            "Enter a valid email address.", reason=AccountsReason.INVALID_EMAIL, field="email"
        ) from None
    chosen = _checked_actions(actions, grantable, campaign_id)
    nonce = secrets.token_urlsafe(24)
    with transaction.atomic():
        invitation = TeamInvitation.objects.create(
            campaign_id=campaign_id,
            email=email,
            actions=chosen,
            nonce_hash=hashlib.sha256(nonce.encode()).hexdigest(),
            invited_by=actor.fan,
            invited_by_label=actor.label[:255],
            date_expires=timezone.now() + timedelta(seconds=settings.TEAM_INVITATION_SECONDS),
        )
        token = signing.dumps({"i": invitation.pk, "n": nonce}, salt=_INVITATION_SALT, compress=True)
        record(
            actor,
            "team.invite",
            campaign_id=campaign_id,
            target=f"teamInvitation:{invitation.pk}",
            changes={"email": email, "actions": chosen},
        )
    _send_invitation(invitation, token)  # after the commit: the link names a row that exists
    return invitation, token


def _send_invitation(invitation: TeamInvitation, token: str) -> None:
    link = f"{settings.STAFF_BASE_URL.rstrip('/')}/staff/invitations/{token}/"
    body = (
        f"{invitation.invited_by_label or 'A colleague'} invites you to the team of the campaign "
        f"“{invitation.campaign.name}” ({role_label(invitation.actions)}: {', '.join(invitation.actions)}).\n\n"
        f"Open this link to accept; it works once, until {invitation.date_expires:%Y-%m-%d %H:%M} UTC:\n{link}\n"
    )
    try:
        EmailMessage("You are invited to a campaign team", body, settings.DEFAULT_FROM_EMAIL, [invitation.email]).send()
    except Exception:
        logger.warning("the invitation %s could not be emailed; its link is on the team page", invitation.pk)


def team_invitation(token: str) -> TeamInvitation:
    """The invitation a link's ``token`` names, if it may still be accepted.

    Raises: ValidationFailed ``INVITATION_INVALID`` (a forged or damaged link), ``INVITATION_EXPIRED``,
        ``INVITATION_USED``, ``INVITATION_REVOKED`` (field ``token``).
    """
    try:
        value = signing.loads(token, salt=_INVITATION_SALT)
        invitation = TeamInvitation.objects.select_related("campaign").filter(pk=int(value["i"])).first()
        nonce = str(value["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        invitation, nonce = None, ""
    if invitation is None or not hmac.compare_digest(invitation.nonce_hash, hashlib.sha256(nonce.encode()).hexdigest()):
        raise ValidationFailed(
            "This invitation link is not valid.", reason=AccountsReason.INVITATION_INVALID, field="token"
        )
    if invitation.date_revoked:
        raise ValidationFailed(
            "This invitation was withdrawn.", reason=AccountsReason.INVITATION_REVOKED, field="token"
        )
    if invitation.date_accepted:
        raise ValidationFailed(
            "This invitation was already accepted.", reason=AccountsReason.INVITATION_USED, field="token"
        )
    if invitation.date_expires <= timezone.now():
        raise ValidationFailed(
            f"This invitation expired on {invitation.date_expires:%Y-%m-%d %H:%M} UTC; ask for a new one.",
            reason=AccountsReason.INVITATION_EXPIRED,
            field="token",
        )
    return invitation


def accept_team_invitation(token: str, *, user) -> TeamInvitation:
    """Accept an invitation as the signed-in Django ``user``: the user becomes staff in ``STAFF_GROUP`` and their fan
    (``user.fan``; a new fan linked to them when they have none — never one found by email, which is neither unique
    nor verified) gets the invitation's actions. Single use: the row is locked and marked accepted in the same
    transaction. One audit-log row, ``team.accept``, by the user.

    Returns: the TeamInvitation (accepted). Raises: as ``team_invitation``.
    """
    with transaction.atomic():
        found = team_invitation(token)
        invitation = TeamInvitation.objects.select_for_update().get(pk=found.pk)
        team_invitation(token)  # again, under the row lock: a second acceptance racing this one sees it used
        fan = Fan.objects.filter(user=user).first()
        if fan is None:
            fan = Fan.objects.create(  # a staff identity of its own: "staff-<Django user id>", never an email match
                user=user, global_user_id=f"staff-{user.pk}", email=user.email or "", first_name=user.first_name or ""
            )
        actor = Actor.admin(user, fan)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(staff_group())
        for action in invitation.actions:
            CampaignPermission.objects.get_or_create(
                fan=fan,
                campaign_id=invitation.campaign_id,
                action=action,
                defaults={"granted_by": invitation.invited_by},
            )
        invitation.date_accepted = timezone.now()
        invitation.accepted_by = fan
        invitation.save(update_fields=["date_accepted", "accepted_by"])
        record(
            actor,
            "team.accept",
            campaign_id=invitation.campaign_id,
            target=f"teamInvitation:{invitation.pk}",
            subject_fan_id=fan.pk,
            changes={"actions": invitation.actions, "invitedBy": invitation.invited_by_label},
        )
    return invitation


def revoke_team_invitation(invitation_id: int, *, campaign_id: str, actor: Actor) -> int:
    """Withdraw a pending invitation of the campaign (its link stops working); one audit-log row ``team.revoke``.
    Returns: 1 when withdrawn, 0 when it was already accepted, withdrawn or not of this campaign."""
    with transaction.atomic():
        updated = TeamInvitation.objects.filter(
            pk=invitation_id, campaign_id=campaign_id, date_accepted__isnull=True, date_revoked__isnull=True
        ).update(date_revoked=timezone.now())
        if updated:
            record(actor, "team.revoke", campaign_id=campaign_id, target=f"teamInvitation:{invitation_id}")
    return updated


def create_staff_account(*, username: str, password: str, email: str = ""):
    """A new Django user for someone accepting an invitation without an account (password checked by Django's
    validators). Returns: the user. Raises: ValidationFailed ``USERNAME_TAKEN`` (field ``username``),
    ``WEAK_PASSWORD`` (field ``password``)."""
    users = get_user_model()
    username = (username or "").strip()
    if not username or users.objects.filter(username__iexact=username).exists():
        raise ValidationFailed("That username is taken.", reason=AccountsReason.USERNAME_TAKEN, field="username")
    candidate = users(username=username, email=email)
    try:
        validate_password(password, candidate)
    except DjangoValidationError as error:
        raise ValidationFailed(
            f"The password is too weak: {' '.join(error.messages)}",
            reason=AccountsReason.WEAK_PASSWORD,
            field="password",
        ) from None
    return users.objects.create_user(username=username, password=password, email=email)


def staff_group() -> Group:
    """``STAFF_GROUP`` with its permissions: view every page of the campaign apps, and the writes a team does
    there (``STAFF_WRITES``); rows stay narrowed to the member's campaigns. Created or completed when needed."""
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    wanted = Permission.objects.filter(content_type__app_label__in=STAFF_APPS).filter(
        Q(codename__startswith="view_") | Q(codename__in=STAFF_WRITES)
    )
    group.permissions.add(*wanted)
    return group
