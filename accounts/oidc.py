"""OpenID Connect sign-in for the fan site (issue 39): the authorization code flow with PKCE against the configured
provider, with Authlib (decisions.md "Identity").

- ``begin_sign_in`` sends the browser to the provider's authorization endpoint (found by discovery,
  ``OIDC_ISSUER/.well-known/openid-configuration``) with a fresh ``state``, ``nonce`` and PKCE ``code_verifier``
  kept in the browser's Django session (Authlib's state store), never in a URL.
- ``finish_sign_in`` takes the provider's answer at the callback: the state must be one this browser started,
  the code is exchanged (client_secret_basic, with the verifier) and the ID token checked by ``verify_id_token``:
  issuer, audience (our client id), expiry, nonce and the signature against the provider's JWKS (a key id the
  cached set does not know fetches the set again: rotated keys sign in without a restart).
- Its claims map to the fan through ``accounts.identity.claims_from_payload``, exactly as ``authenticate``'s
  identity tokens do: one person (``sub``) is one fan whichever door they use.

Settings: ``OIDC_ISSUER``, ``OIDC_CLIENT_ID``, ``OIDC_CLIENT_SECRET``, ``OIDC_SCOPES``, ``OIDC_PROVIDER_NAME``.
"""

import functools
from typing import Any

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App
from authlib.integrations.django_client.integration import DjangoIntegration
from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from joserfc.errors import ExpiredTokenError, JoseError

from accounts.identity import IdentityClaims, claims_from_payload
from accounts.reasons import AccountsReason
from monoql.errors import Unauthenticated, Unavailable

#: Seconds an ID token's times may be off (clock skew between the provider and us).
ID_TOKEN_LEEWAY_SECONDS = 30
#: Seconds a call to the provider (discovery, token, JWKS) may take before the sign-in says it is unavailable.
PROVIDER_TIMEOUT_SECONDS = 10


def oidc_enabled() -> bool:
    """True when the fan site signs fans in through an OpenID Connect provider (``OIDC_ISSUER`` and
    ``OIDC_CLIENT_ID`` set)."""
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


def oidc_client() -> DjangoOAuth2App:
    """The Authlib client of the configured provider, built once per process and settings (it keeps the provider's
    metadata and JWKS it fetched). Raises RuntimeError when OpenID Connect is not configured."""
    if not oidc_enabled():
        raise RuntimeError("OpenID Connect sign-in needs OIDC_ISSUER and OIDC_CLIENT_ID")
    return _client(settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET, settings.OIDC_SCOPES)


@functools.lru_cache(maxsize=4)
def _client(issuer: str, client_id: str, client_secret: str, scopes: str) -> DjangoOAuth2App:
    return DjangoOAuth2App(
        DjangoIntegration("oidc"),
        name="oidc",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": scopes,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
            "timeout": PROVIDER_TIMEOUT_SECONDS,
        },
    )


def forget_provider() -> None:
    """Drop the cached clients (the provider's metadata and keys): the next sign-in discovers them again."""
    _client.cache_clear()


def begin_sign_in(request: HttpRequest, redirect_uri: str, *, locale: str = "") -> HttpResponseRedirect:
    """Start a sign-in: a redirect to the provider's authorization endpoint.

    Args: ``redirect_uri``: the absolute callback URL (registered with the provider); ``locale``: the fan's
        locale (``fr_CA``), passed as ``ui_locales`` (``fr-CA``) so the provider's pages can speak it.
    Returns: the redirect; ``state``, ``nonce`` and the PKCE verifier are kept in ``request.session``.
    Raises: Unavailable ``IDENTITY_PROVIDER_UNAVAILABLE`` when discovery fails.
    """
    extra = {"ui_locales": locale.replace("_", "-")} if locale else {}
    try:
        response: HttpResponseRedirect = oidc_client().authorize_redirect(request, redirect_uri, **extra)
    except (requests.RequestException, ValueError) as error:
        raise Unavailable(
            "The identity provider did not answer; try again.", reason=AccountsReason.IDENTITY_PROVIDER_UNAVAILABLE
        ) from error
    return response


def finish_sign_in(request: HttpRequest) -> IdentityClaims:
    """The provider's answer at the callback (``?code&state`` or ``?error&state``), checked, as the fan's claims.

    Returns: IdentityClaims of the verified ID token (``signature`` = its last segment, the session's ``tmSig``).
    Raises:
        Unauthenticated: ``SIGN_IN_CANCELLED`` (the fan cancelled: ``access_denied``); ``SIGN_IN_FAILED`` (another
            error from the provider, a state this browser did not start or already used, a refused code);
            ``INVALID_IDENTITY_TOKEN`` / ``EXPIRED_IDENTITY_TOKEN`` (``verify_id_token``).
        Unavailable: ``IDENTITY_PROVIDER_UNAVAILABLE`` when the provider does not answer.
    """
    client = oidc_client()
    error = request.GET.get("error")
    state = request.GET.get("state") or ""
    state_data = client.framework.get_state_data(request.session, state) if state else None
    if state:
        client.framework.clear_state_data(request.session, state)
    if error == "access_denied":
        raise Unauthenticated("You cancelled the sign-in.", reason=AccountsReason.SIGN_IN_CANCELLED)
    if error:
        raise Unauthenticated(f"The identity provider refused: {error}.", reason=AccountsReason.SIGN_IN_FAILED)
    if not state_data or not state_data.get("nonce"):
        raise Unauthenticated(
            "This sign-in was not started in this browser, or it was already used.",
            reason=AccountsReason.SIGN_IN_FAILED,
        )
    try:
        token = client.fetch_access_token(
            code=request.GET.get("code") or "",
            code_verifier=state_data.get("code_verifier"),
            redirect_uri=state_data.get("redirect_uri"),
        )
    except (OAuthError, MismatchingStateError) as refused:
        raise Unauthenticated(
            f"The identity provider refused the code: {refused.error}.", reason=AccountsReason.SIGN_IN_FAILED
        ) from refused
    except requests.RequestException as down:
        raise Unavailable(
            "The identity provider did not answer; try again.", reason=AccountsReason.IDENTITY_PROVIDER_UNAVAILABLE
        ) from down
    id_token = str(token.get("id_token") or "")
    payload = verify_id_token(id_token, nonce=state_data["nonce"], access_token=token.get("access_token"))
    return claims_from_payload(payload, id_token.rsplit(".", 1)[-1])


def verify_id_token(id_token: str, *, nonce: str, access_token: str | None = None) -> dict[str, Any]:
    """Check an ID token from the provider and return its claims.

    Checked (OpenID Connect Core §3.1.3.7): the signature against the provider's JWKS (fetched again once for a
    key id it does not know), ``iss`` = the discovered issuer, ``aud`` holds our client id (and ``azp`` is ours when
    there are several), ``exp`` and ``iat`` within ``ID_TOKEN_LEEWAY_SECONDS``, ``nonce`` = the one this browser's
    sign-in sent, and ``at_hash`` when given with ``access_token``.
    Raises: Unauthenticated ``EXPIRED_IDENTITY_TOKEN`` (expired) or ``INVALID_IDENTITY_TOKEN`` (any other check,
        the message naming it); Unavailable ``IDENTITY_PROVIDER_UNAVAILABLE`` when the JWKS cannot be fetched.
    """
    if not id_token:
        raise Unauthenticated("The identity provider sent no ID token.", reason=AccountsReason.INVALID_IDENTITY_TOKEN)
    token = {"id_token": id_token, **({"access_token": access_token} if access_token else {})}
    try:
        userinfo = oidc_client().parse_id_token(token, nonce=nonce, leeway=ID_TOKEN_LEEWAY_SECONDS)
    except ExpiredTokenError as expired:
        raise Unauthenticated("The ID token has expired.", reason=AccountsReason.EXPIRED_IDENTITY_TOKEN) from expired
    except (JoseError, ValueError) as refused:
        raise Unauthenticated(
            f"The ID token is not valid ({type(refused).__name__}: {refused}).",
            reason=AccountsReason.INVALID_IDENTITY_TOKEN,
        ) from refused
    except requests.RequestException as down:
        raise Unavailable(
            "The identity provider did not answer; try again.", reason=AccountsReason.IDENTITY_PROVIDER_UNAVAILABLE
        ) from down
    return dict(userinfo)
