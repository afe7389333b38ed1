"""Adapter helper: sign the request in from a token and shape the Viewer."""

import time

from accounts import services
from accounts.graphql.types import ViewerState
from accounts.models import Fan
from accounts.tokens import decode_session_token
from monoql.errors import Unauthenticated
from monoql.graphql.context import viewer_session


def sign_in_with_identity_token(info, token: str) -> ViewerState:
    """Authenticate ``token`` (identity token), set the session cookie and return the new ViewerState."""
    result = services.authenticate(token)
    result.fan._session_expires_at = result.session.expires_at
    session = viewer_session(info)
    session.sign_in(result.fan, result.session.token, max(result.session.expires_at - int(time.time()), 0))
    return ViewerState(result.fan)


def sign_in_with_any_token(info, token: str) -> ViewerState:
    """Use ``token`` as our session JWT when it is one, else as an identity token (``viewer(auth:)``)."""
    try:
        claims = decode_session_token(token)
    except Unauthenticated:
        return sign_in_with_identity_token(info, token)
    fan = Fan.objects.filter(pk=claims["sub"]).first()
    if fan is None:
        raise Unauthenticated("The session names an unknown user.", reason="INVALID_TOKEN")
    fan._session_claims = claims
    viewer_session(info).use(fan, token)
    return ViewerState(fan)
