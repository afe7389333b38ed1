"""Our own session JWT (decisions.md "Identity, permissions"; catalog §3.3).

Claims: ``sub`` (fan id), ``isSupreme``, ``permissions`` (``{campaignId: [actions]}``), ``tmSig`` (signature of
the identity token it was issued for), ``iat``, ``exp`` (lifetime ``JWT_LIFETIME_SECONDS``, 30 min), ``jti``
(a random token id). ``logout`` puts a token on the revoked list until its ``exp`` (``revoke_session_token``).
Signed HS256 with ``JWT_SIGNING_KEY``, or RS256 with ``JWT_PRIVATE_KEY``/``JWT_PUBLIC_KEY`` when set.
"""

import functools
import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from accounts.reasons import AccountsReason
from monoql.errors import Unauthenticated


@dataclass(frozen=True)
class SessionToken:
    """A minted token and its expiry (epoch seconds)."""

    token: str
    expires_at: int


@functools.lru_cache(maxsize=4)
def _private_key(pem: str) -> Any:
    """The RS256 signing key, parsed once per process (parsing a PEM costs ~30 ms of CPU, signing ~0.3 ms)."""
    return serialization.load_pem_private_key(pem.encode(), password=None)


@functools.lru_cache(maxsize=4)
def _public_key(pem: str) -> Any:
    """The RS256 verifying key, parsed once per process."""
    return serialization.load_pem_public_key(pem.encode())


def _signing() -> tuple[Any, str]:
    if settings.JWT_PRIVATE_KEY:
        return _private_key(settings.JWT_PRIVATE_KEY), "RS256"
    return settings.JWT_SIGNING_KEY, "HS256"


def _verifying() -> tuple[Any, str]:
    if settings.JWT_PRIVATE_KEY:
        return _public_key(settings.JWT_PUBLIC_KEY), "RS256"
    return settings.JWT_SIGNING_KEY, "HS256"


def issue_session_token(
    fan_id: str, *, is_supreme: bool, permissions: dict[str, list[str]], tm_sig: str
) -> SessionToken:
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
        # unique per token: two sign-ins in the same second get different tokens, revoked one by one
        "jti": secrets.token_urlsafe(9),
    }
    key, algorithm = _signing()
    return SessionToken(jwt.encode(payload, key, algorithm=algorithm), expires_at)


def decode_session_token(token: str) -> dict[str, Any]:
    """Verify a session JWT and return its claims.

    Raises:
        Unauthenticated: malformed, tampered or expired (reason ``INVALID_TOKEN`` / ``EXPIRED_TOKEN``).
    """
    key, algorithm = _verifying()
    try:
        claims: dict[str, Any] = jwt.decode(token, key, algorithms=[algorithm], options={"require": ["exp", "sub"]})
        return claims
    except jwt.ExpiredSignatureError as error:
        raise Unauthenticated(
            "Your session has expired; sign in again.", reason=AccountsReason.EXPIRED_TOKEN
        ) from error
    except jwt.PyJWTError as error:
        raise Unauthenticated("The session token is not valid.", reason=AccountsReason.INVALID_TOKEN) from error


#: Cache key marking a session JWT as revoked (by its signature segment) until it would have expired.
REVOKED_KEY = "jwt:revoked:{}"


def token_signature(token: str) -> str:
    """The signature segment of a JWT (what names it in the revoked-token list)."""
    return token.rsplit(".", 1)[-1][:86]


def claims_for_request(request: HttpRequest, token: str) -> dict[str, Any]:
    """``decode_session_token(token)``, decoded once per request however many layers ask (the rate limiter,
    the GraphQL session, DRF): the claims, or the same ``Unauthenticated``, are kept on the request.

    Raises: Unauthenticated as ``decode_session_token``.
    """
    memo = getattr(request, "_session_claims_memo", None)
    if memo is None or memo[0] != token:
        try:
            memo = (token, decode_session_token(token))
        except Unauthenticated as error:
            memo = (token, error)
        setattr(request, "_session_claims_memo", memo)  # noqa: B010 - a per-request memo on the request itself
    if isinstance(memo[1], Unauthenticated):
        raise memo[1]
    return memo[1]


def revoke_session_token(token: str) -> bool:
    """Put a session JWT on the revoked-token list until its ``exp`` (``logout``; catalog §1.3).

    A revoked token is refused with UNAUTHENTICATED ``REVOKED_TOKEN`` on every later request (header or
    cookie). Returns False when the token is not a valid one (nothing to revoke) or the cache is down (the
    token then lives until it expires: the check fails open, docs/decisions.md "Revoked tokens").
    """
    try:
        claims = decode_session_token(token)
    except Unauthenticated:
        return False
    seconds = int(claims["exp"]) - int(time.time()) + 1
    if seconds <= 0:
        return False
    cache.set(REVOKED_KEY.format(token_signature(token)), 1, seconds)
    return cache.get(REVOKED_KEY.format(token_signature(token))) is not None
