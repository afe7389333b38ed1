"""Adapter helper: sign the request in from a token and shape the Viewer."""

import time

from django.conf import settings

from accounts import services
from accounts.fan_cache import fan_for_token
from accounts.graphql.types import ViewerState
from accounts.models import Fan
from accounts.ratelimits import check_sign_in, sign_in_account
from accounts.reasons import AccountsReason
from accounts.session import require_fan, viewer_session
from accounts.tokens import decode_session_token
from monoql.audit import Channel
from monoql.errors import Unauthenticated


def sign_in_with_identity_token(info, token: str) -> ViewerState:
    """Authenticate ``token`` (identity token), set the session cookie and return the new ViewerState.

    Sign-ins are limited per client address (before the token is read) and per account (once it is verified).
    Raises: RateLimited ``TOO_MANY_SIGN_INS``; Unauthenticated as ``services.authenticate``.
    """
    request = info.context
    check_sign_in(request)
    result = services.authenticate(
        token, channel=Channel.GRAPHQL, admit=lambda claims: check_sign_in(request, account=sign_in_account(claims))
    )
    result.fan._session_expires_at = result.session.expires_at
    session = viewer_session(info)
    session.sign_in(result.fan, result.session.token, max(result.session.expires_at - int(time.time()), 0))
    return ViewerState(result.fan)


def sign_in_with_any_token(info, token: str) -> ViewerState:
    """Use ``token`` as our session JWT when it is one, else as an identity token (``viewer(auth:)``)."""
    try:
        decode_session_token(token)
    except Unauthenticated:
        return sign_in_with_identity_token(info, token)
    fan = fan_for_token(info.context, token)
    viewer_session(info).use(fan, token)
    return ViewerState(fan)


def require_current_identity(info) -> Fan:
    """The signed-in fan, after checking they are still the fan of the identity cookie (catalog §1.7
    ``throwIfTokenMismatch``).

    When the request carries the identity token cookie (``IDENTITY_TOKEN_COOKIE``, ``sotc``) and its
    signature differs from the session's ``tmSig``, the identity token is verified again: the same fan gets
    a refreshed session (new ``tmSig``); another fan → UNAUTHENTICATED ``invalidSession`` and the session
    cookie is cleared, nothing written. Raises Unauthenticated (``notLoggedIn``, identity token errors,
    ``invalidSession``).
    """
    fan = require_fan(info)
    identity = info.context.COOKIES.get(settings.IDENTITY_TOKEN_COOKIE)
    if not identity:
        return fan
    claims = getattr(fan, "_session_claims", None) or {}
    if claims.get("tmSig") == identity.rsplit(".", 1)[-1]:
        return fan
    result = services.authenticate(identity, channel=Channel.GRAPHQL)
    session = viewer_session(info)
    if result.fan.pk != fan.pk:
        session.sign_out()
        raise Unauthenticated("The signed-in account changed; sign in again.", reason=AccountsReason.invalidSession)
    session.sign_in(result.fan, result.session.token, max(result.session.expires_at - int(time.time()), 0))
    result.fan._session_claims = decode_session_token(result.session.token)
    return result.fan
