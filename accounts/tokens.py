"""Our own session JWT (decisions.md "Identity, permissions"; catalog §3.3).

Claims: ``sub`` (fan id), ``isSupreme``, ``permissions`` (``{campaignId: [actions]}``), ``tmSig`` (signature of
the identity token it was issued for), ``iat``, ``exp`` (lifetime ``JWT_LIFETIME_SECONDS``, 30 min).
Signed HS256 with ``JWT_SIGNING_KEY``, or RS256 with ``JWT_PRIVATE_KEY``/``JWT_PUBLIC_KEY`` when set.
"""

import time
from dataclasses import dataclass

import jwt
from django.conf import settings

from monoql.errors import Unauthenticated


@dataclass(frozen=True)
class SessionToken:
    """A minted token and its expiry (epoch seconds)."""

    token: str
    expires_at: int


def _signing():
    if settings.JWT_PRIVATE_KEY:
        return settings.JWT_PRIVATE_KEY, "RS256"
    return settings.JWT_SIGNING_KEY, "HS256"


def _verifying():
    if settings.JWT_PRIVATE_KEY:
        return settings.JWT_PUBLIC_KEY, "RS256"
    return settings.JWT_SIGNING_KEY, "HS256"


def issue_session_token(fan_id: str, *, is_supreme: bool, permissions: dict, tm_sig: str) -> SessionToken:
    """Mint a session JWT for ``fan_id``.

    Args:
        permissions: ``{campaignId: [action, ...]}``.
        tm_sig: signature segment of the identity token that was verified.
    Returns:
        SessionToken(token, expires_at epoch seconds).
    """
    now = int(time.time())
    expires_at = now + settings.JWT_LIFETIME_SECONDS
    payload = {
        "sub": fan_id,
        "isSupreme": is_supreme,
        "permissions": permissions,
        "tmSig": tm_sig,
        "iat": now,
        "exp": expires_at,
    }
    key, algorithm = _signing()
    return SessionToken(jwt.encode(payload, key, algorithm=algorithm), expires_at)


def decode_session_token(token: str) -> dict:
    """Verify a session JWT and return its claims.

    Raises:
        Unauthenticated: malformed, tampered or expired (reason ``INVALID_TOKEN`` / ``EXPIRED_TOKEN``).
    """
    key, algorithm = _verifying()
    try:
        return jwt.decode(token, key, algorithms=[algorithm], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError as error:
        raise Unauthenticated("Your session has expired; sign in again.", reason="EXPIRED_TOKEN") from error
    except jwt.PyJWTError as error:
        raise Unauthenticated("The session token is not valid.", reason="INVALID_TOKEN") from error
