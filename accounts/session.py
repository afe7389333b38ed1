"""Per-request viewer session: who is calling and which cookie changes the response must carry.

The caller is identified by ``Authorization: Bearer <our JWT>`` or the httpOnly session cookie. A bad
header token is an error (UNAUTHENTICATED); a bad or expired cookie is dropped (the caller is anonymous
and the cookie is cleared), so that a stale cookie never breaks a fan page.
"""

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from accounts.fan_cache import fan_for_token
from accounts.models import Fan
from accounts.reasons import AccountsReason
from accounts.tokens import revoke_session_token
from monoql.errors import Unauthenticated

_UNSET = object()


class ViewerSession:
    """Authentication state of one request.

    Attributes:
        source: ``"header"``, ``"cookie"`` or None (anonymous).
        token: the raw session JWT presented, or None.
        set_cookie: ``(token, max_age_seconds)`` to set on the response, or None.
        clear_cookie: True when the response must delete the session cookie.
    """

    def __init__(self, request: HttpRequest):
        self.request = request
        self._campaign_passwords: dict[str, str] | None = None
        self.campaign_passwords_changed = False
        self.set_cookie: tuple[str, int] | None = None
        self.clear_cookie = False
        self._fan: Fan | None | object = _UNSET
        self._error: Unauthenticated | None = None
        self.source: str | None
        self.token: str | None
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            self.source, self.token = "header", header[7:].strip()
        elif request.COOKIES.get(settings.SESSION_JWT_COOKIE):
            self.source, self.token = "cookie", request.COOKIES[settings.SESSION_JWT_COOKIE]
        else:
            self.source, self.token = None, None

    def fan(self) -> Fan | None:
        """Return the signed-in Fan or None (anonymous).

        Raises:
            Unauthenticated: a header token is tampered, expired, or names a fan that no longer exists.
        """
        if self._error:
            raise self._error
        if self._fan is _UNSET:
            self._fan = self._load()
        return self._fan if isinstance(self._fan, Fan) else None

    def _load(self) -> Fan | None:
        if not self.token:
            return None
        try:
            return fan_for_token(self.request, self.token)
        except Unauthenticated as error:
            if self.source == "cookie":
                self.clear_cookie = True
                self.source, self.token = None, None
                return None
            self._error = error
            raise

    def use(self, fan: Fan, token: str) -> None:
        """Make ``fan`` (proved by ``token``, our JWT) the caller for the rest of the request; no cookie change."""
        self._fan, self._error, self.token = fan, None, token

    def sign_in(self, fan: Fan, token: str, max_age: int) -> None:
        """Make ``fan`` the caller for the rest of the request and set the session cookie."""
        self.use(fan, token)
        self.set_cookie = (token, max_age)
        self.clear_cookie = False

    @property
    def campaign_passwords(self) -> dict[str, str]:
        """``{campaignId: password digest}`` remembered in the signed ``CAMPAIGN_PASSWORD_COOKIE`` (catalog §1.7).

        An unreadable or tampered cookie counts as empty.
        """
        passwords = self._campaign_passwords
        if passwords is None:
            try:
                raw = self.request.get_signed_cookie(settings.CAMPAIGN_PASSWORD_COOKIE, default="{}")
                value = json.loads(raw or "{}")
                passwords = value if isinstance(value, dict) else {}
            except (ValueError, TypeError):
                passwords = {}
            self._campaign_passwords = passwords
        return passwords

    def remember_campaign_password(self, campaign_id: str, digest: str) -> None:
        """Remember that this browser gave the right password for ``campaign_id`` (set on the response)."""
        if self.campaign_passwords.get(campaign_id) != digest:
            self.campaign_passwords[campaign_id] = digest
            self.campaign_passwords_changed = True

    def apply_cookies(self, response: HttpResponseBase) -> None:
        """Set or clear on ``response`` the cookies this request changed: the session (signed in or out) and the
        campaign passwords this browser gave (signed). The GraphQL endpoint and the fan site's pages call it."""
        if self.set_cookie:
            token, max_age = self.set_cookie
            response.set_cookie(
                settings.SESSION_JWT_COOKIE,
                token,
                max_age=max_age,
                httponly=True,
                secure=settings.SESSION_JWT_COOKIE_SECURE,
                samesite="Lax",
            )
        elif self.clear_cookie:
            response.delete_cookie(settings.SESSION_JWT_COOKIE, samesite="Lax")
        if self.campaign_passwords_changed:
            response.set_signed_cookie(
                settings.CAMPAIGN_PASSWORD_COOKIE,
                json.dumps(self.campaign_passwords, sort_keys=True),
                max_age=settings.CAMPAIGN_PASSWORD_COOKIE_AGE,
                httponly=True,
                secure=settings.SESSION_JWT_COOKIE_SECURE,
                samesite="Lax",
            )

    def sign_out(self) -> None:
        """Forget the caller, revoke the session token presented (header or cookie: it is refused from now on,
        ``accounts.tokens.revoke_session_token``) and clear the session cookie."""
        if self.token:
            revoke_session_token(self.token)
        self._fan, self._error, self.token, self.set_cookie = None, None, None, None
        self.clear_cookie = True


def viewer_session(info_or_request: Any) -> ViewerSession:
    """Return the ViewerSession of a resolver ``info`` or a request, creating it on first use."""
    request = getattr(info_or_request, "context", info_or_request)
    session = getattr(request, "viewer_session", None)
    if not isinstance(session, ViewerSession):
        session = ViewerSession(request)
        request.viewer_session = session
    return session


def current_fan(info: Any) -> Fan | None:
    """Return the signed-in Fan of the request behind ``info``, or None. Raises Unauthenticated on a bad header token."""
    return viewer_session(info).fan()


def require_fan(info: Any) -> Fan:
    """Return the signed-in Fan or raise Unauthenticated (reason ``notLoggedIn``)."""
    fan = current_fan(info)
    if fan is None:
        raise Unauthenticated("You must be signed in.", reason=AccountsReason.notLoggedIn)
    return fan
