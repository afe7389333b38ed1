"""Access declared on every REST view (issue 34 point 3; after pretix's ``api/views``): a view names the access it
needs (``access = campaign_action("select")``, ``SUPREME``, ``PUBLIC``) and one DRF permission class,
``DeclaredAccess`` (the project's default), checks it before the handler runs. A view that declares nothing is
refused: a new endpoint cannot be left open by forgetting a check. The permission matrix test reads the
declarations and calls every endpoint as each kind of caller.
"""

from dataclasses import dataclass

from rest_framework.permissions import BasePermission

from accounts.permissions import require_campaign_action, require_supreme
from accounts.reasons import AccountsReason
from monoql.audit import Actor, Channel
from monoql.errors import Forbidden, Unauthenticated
from monoql.reasons import CODE_REST, EXPORT_REST, REST, Reason, declare_answers

# Every REST endpoint answers a bad, expired or revoked token, and a view that declares no access (docs/errors.md)
for _surface in (REST, CODE_REST, EXPORT_REST):
    declare_answers(
        _surface,
        [
            AccountsReason.notLoggedIn,
            AccountsReason.INVALID_TOKEN,
            AccountsReason.EXPIRED_TOKEN,
            AccountsReason.REVOKED_TOKEN,
            AccountsReason.ACCESS_NOT_DECLARED,
        ],
        everywhere=True,
    )


@dataclass(frozen=True)
class RestAccess:
    """What a REST view needs: ``level`` is ``public``, ``supreme`` or a campaign action (``read``, ``write``,
    ``report``, ``select``) on the campaign of the URL's ``campaign_kwarg``; ``spelling`` overrides the refusal's
    reason where the catalog spells it otherwise on that surface (the code service: ``supremeUserRequired``)."""

    level: str
    campaign_kwarg: str = "campaign_id"
    spelling: tuple[Reason, str] | None = None  # (reason, message) of the refusal on this surface

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """The refusals ``check`` answers (declared for docs/errors.md and checked by the REST error handler)."""
        if self.level == "public":
            return ()
        if self.spelling is not None:
            refusal: Reason = self.spelling[0]
        elif self.level == "supreme":
            refusal = AccountsReason.SUPREME_USER_REQUIRED
        else:
            refusal = AccountsReason.INVALID_CAMPAIGN_PERMISSIONS
        return (AccountsReason.notLoggedIn, refusal)

    def check(self, fan, view_kwargs: dict) -> None:
        """Raise Unauthenticated ``notLoggedIn`` or Forbidden (the level's reason, or ``spelling``) unless allowed."""
        if self.level == "public":
            return
        if fan is None or not getattr(fan, "is_authenticated", False):
            raise Unauthenticated("Authentication required", reason=AccountsReason.notLoggedIn)
        try:
            if self.level == "supreme":
                require_supreme(fan)
            else:
                require_campaign_action(fan, view_kwargs.get(self.campaign_kwarg, ""), self.level)
        except Forbidden as error:
            if self.spelling is None:
                raise
            reason, message = self.spelling
            raise Forbidden(message, reason=reason) from error


PUBLIC = RestAccess("public")
SUPREME = RestAccess("supreme")


def campaign_action(action: str, *, spelling: tuple[Reason, str] | None = None) -> RestAccess:
    """The access of a view needing ``action`` on the URL's campaign (supremes hold every action)."""
    return RestAccess(action, spelling=spelling)


class DeclaredAccess(BasePermission):
    """Checks the ``access`` a view declares; refuses a view that declares none (``INTERNAL_ERROR`` is never the
    caller's answer: a 403 naming the missing declaration, logged by the test suite's matrix)."""

    def has_permission(self, request, view) -> bool:
        access = getattr(view, "access", None)
        if not isinstance(access, RestAccess):
            raise Forbidden(
                "This endpoint declares no access; it is refused.", reason=AccountsReason.ACCESS_NOT_DECLARED
            )
        access.check(request.user, getattr(view, "kwargs", {}) or {})
        return True


def rest_actor(request) -> Actor:
    """The audit log's actor of a REST request: the signed-in staff member (the view's access was checked), through
    REST."""
    return Actor.staff(request.user, Channel.REST)
