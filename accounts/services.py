"""Account writes: sign a fan in from an identity token (catalog §3.4)."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.identity import IdentityClaims, verify_identity_token
from accounts.models import Fan
from accounts.permissions import campaign_permissions, is_supreme
from accounts.tokens import SessionToken, issue_session_token


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


def authenticate(identity_token: str) -> SignIn:
    """Verify an identity token, upsert its fan and issue our session JWT.

    Returns: SignIn(fan, session token with expiry in epoch seconds).
    Raises:
        Unauthenticated: the identity token is missing, tampered or expired.
    """
    claims = verify_identity_token(identity_token)
    fan = upsert_fan(claims)
    session = issue_session_token(
        fan.pk,
        is_supreme=is_supreme(fan),
        permissions=campaign_permissions(fan),
        tm_sig=claims.signature,
    )
    return SignIn(fan=fan, session=session)
