"""Identity providers: verify a fan's identity token and return its claims (decisions.md "Identity").

Two providers, chosen by ``IDENTITY_PROVIDER``:

- ``development``: HS256 tokens signed with ``IDENTITY_DEV_SECRET`` (``manage.py mint_identity_token``).
- ``configured``: RS256 tokens verified against ``IDENTITY_PUBLIC_KEYS`` (PEM) or ``IDENTITY_JWKS_FILE``.

Accepted claims: ``sub`` or ``globalUserId`` (the global user id), ``memberId``/``member_id``, ``email``,
``given_name``/``firstName``, ``family_name``/``lastName``, ``phone_number``/``phone``, ``zip``, and an
optional ``facts`` object (gate facts: cards, linked accounts, idv). ``exp`` is required.
"""

import functools
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from django.conf import settings

from accounts.reasons import AccountsReason
from monoql.errors import Unauthenticated


@dataclass(frozen=True)
class IdentityClaims:
    """What an identity token says about a fan."""

    global_user_id: str | None
    member_id: str | None
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    zip: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    signature: str = ""


def _first(claims: dict[str, Any], *names: str) -> str:
    for name in names:
        value = claims.get(name)
        if value not in (None, ""):
            return str(value)
    return ""


def claims_from_payload(payload: dict[str, Any], signature: str) -> IdentityClaims:
    """Map a verified token payload onto ``IdentityClaims``.

    Raises:
        Unauthenticated: the token names neither a global user id nor a member id.
    """
    global_user_id = _first(payload, "globalUserId", "sub") or None
    member_id = _first(payload, "memberId", "member_id") or None
    if not global_user_id and not member_id:
        raise Unauthenticated("The identity token names no user.", reason=AccountsReason.INVALID_IDENTITY_TOKEN)
    given = payload.get("facts")
    facts: dict[str, Any] = given if isinstance(given, dict) else {}
    return IdentityClaims(
        global_user_id=global_user_id,
        member_id=member_id,
        email=_first(payload, "email").lower(),
        first_name=_first(payload, "given_name", "firstName"),
        last_name=_first(payload, "family_name", "lastName"),
        phone=_first(payload, "phone_number", "phone"),
        zip=_first(payload, "zip", "postal_code"),
        facts=facts,
        signature=signature,
    )


def _decode_options() -> dict[str, Any]:
    options: dict[str, Any] = {"require": ["exp"]}
    kwargs: dict[str, Any] = {"options": options, "leeway": 30}
    if settings.IDENTITY_ISSUER:
        kwargs["issuer"] = settings.IDENTITY_ISSUER
    if settings.IDENTITY_AUDIENCE:
        kwargs["audience"] = settings.IDENTITY_AUDIENCE
    else:
        options["verify_aud"] = False
    return kwargs


class DevelopmentIdentityProvider:
    """HS256 identity tokens signed with a shared development secret."""

    algorithm = "HS256"

    def __init__(self, secret: str):
        self.secret = secret

    def verify(self, token: str) -> dict[str, Any]:
        """Return the payload of a valid token; raise ``jwt.PyJWTError`` otherwise."""
        payload: dict[str, Any] = jwt.decode(token, self.secret, algorithms=[self.algorithm], **_decode_options())
        return payload

    def mint(self, claims: dict[str, Any], lifetime_seconds: int = 3600) -> str:
        """Sign ``claims`` (plus ``iat``/``exp``) as a development identity token."""
        now = int(time.time())
        payload = {"iat": now, "exp": now + lifetime_seconds, **claims}
        if settings.IDENTITY_ISSUER:
            payload.setdefault("iss", settings.IDENTITY_ISSUER)
        if settings.IDENTITY_AUDIENCE:
            payload.setdefault("aud", settings.IDENTITY_AUDIENCE)
        return jwt.encode(payload, self.secret, algorithm=self.algorithm)


class ConfiguredIdentityProvider:
    """RS256 identity tokens verified against configured public keys or a JWKS file."""

    def __init__(self, public_keys_pem: str = "", jwks_file: str = ""):
        self.keys: dict[str, Any] = {}
        if jwks_file:
            jwks = json.loads(Path(jwks_file).read_text())
            for jwk in jwks.get("keys", []):
                self.keys[jwk.get("kid")] = jwt.PyJWK(jwk).key
        if public_keys_pem:
            blocks = [b for b in public_keys_pem.split("-----END PUBLIC KEY-----") if b.strip()]
            for index, block in enumerate(blocks):
                pem = (block.strip() + "\n-----END PUBLIC KEY-----\n").encode()
                self.keys.setdefault(f"pem-{index}", serialization.load_pem_public_key(pem))
        if not self.keys:
            raise RuntimeError("IDENTITY_PROVIDER=configured needs IDENTITY_PUBLIC_KEYS or IDENTITY_JWKS_FILE")

    def verify(self, token: str) -> dict[str, Any]:
        """Return the payload of a token signed by one of the keys; raise ``jwt.PyJWTError`` otherwise."""
        kid = jwt.get_unverified_header(token).get("kid")
        candidates = [self.keys[kid]] if kid in self.keys else list(self.keys.values())
        last_error = jwt.InvalidSignatureError("no key")
        for key in candidates:
            try:
                payload: dict[str, Any] = jwt.decode(token, key, algorithms=["RS256"], **_decode_options())
                return payload
            except jwt.InvalidSignatureError as error:
                last_error = error
        raise last_error


def get_identity_provider() -> "DevelopmentIdentityProvider | ConfiguredIdentityProvider":
    """Return the provider selected by ``IDENTITY_PROVIDER`` (``development`` or ``configured``), built once per
    process and settings (its keys parsed once: re-parsing them cost every sign-in ~30 ms of CPU)."""
    return _provider(
        settings.IDENTITY_PROVIDER,
        settings.IDENTITY_PUBLIC_KEYS,
        settings.IDENTITY_JWKS_FILE,
        settings.IDENTITY_DEV_SECRET,
    )


@functools.lru_cache(maxsize=4)
def _provider(
    kind: str, public_keys: str, jwks_file: str, dev_secret: str
) -> DevelopmentIdentityProvider | ConfiguredIdentityProvider:
    if kind == "configured":
        return ConfiguredIdentityProvider(public_keys, jwks_file)
    return DevelopmentIdentityProvider(dev_secret)


def verify_identity_token(token: str) -> IdentityClaims:
    """Verify an identity token with the configured provider.

    Returns:
        IdentityClaims, with ``signature`` = the token's last ``.``-segment (recorded as ``tmSig``).
    Raises:
        Unauthenticated: missing, malformed, wrongly signed or expired token (reason
        ``INVALID_IDENTITY_TOKEN`` or ``EXPIRED_IDENTITY_TOKEN``).
    """
    if not token or not isinstance(token, str):
        raise Unauthenticated(
            "An identity token is required.", reason=AccountsReason.INVALID_IDENTITY_TOKEN, field="token"
        )
    try:
        payload = get_identity_provider().verify(token)
    except jwt.ExpiredSignatureError as error:
        raise Unauthenticated(
            "The identity token has expired.", reason=AccountsReason.EXPIRED_IDENTITY_TOKEN
        ) from error
    except (jwt.PyJWTError, ValueError) as error:
        raise Unauthenticated(
            "The identity token is not valid.", reason=AccountsReason.INVALID_IDENTITY_TOKEN
        ) from error
    return claims_from_payload(payload, token.rsplit(".", 1)[-1])


def mint_development_identity_token(
    email: str,
    *,
    global_user_id: str | None = None,
    extra_claims: dict[str, Any] | None = None,
    lifetime_seconds: int = 3600,
) -> str:
    """A development identity token for ``email`` (``IDENTITY_PROVIDER=development`` only): what the fan
    site's development sign-in form and ``manage.py mint_identity_token`` hand to ``authenticate``.

    Args: ``global_user_id`` defaults to one derived from the email; ``extra_claims`` e.g. ``memberId``.
    Returns: an HS256 JWT valid ``lifetime_seconds`` seconds.
    Raises: RuntimeError when the configured identity provider is not the development one.
    """
    if settings.IDENTITY_PROVIDER != "development":
        raise RuntimeError("IDENTITY_PROVIDER is not 'development': tokens come from the real identity provider")
    email = email.strip().lower()
    subject = global_user_id or "dev-" + hashlib.sha256(email.encode()).hexdigest()[:20]
    claims = {"sub": subject, "email": email, **(extra_claims or {})}
    return DevelopmentIdentityProvider(settings.IDENTITY_DEV_SECRET).mint(claims, lifetime_seconds)
