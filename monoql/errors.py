"""Domain errors raised by services and shaped into API errors by the adapters.

Every error carries one of the API codes of decisions.md ("GraphQL error codes", catalog §4.1):
UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, VALIDATION_ERROR, RATE_LIMITED, SERVICE_UNAVAILABLE (a database or other
backing service is down: retry later), INTERNAL_ERROR; a domain rule adds a
``reason`` (catalog identifier such as ``DOMAIN_NAME_CONFLICT``) and, when one input field is at fault,
the ``field`` it names. Every reason is a member of its app's registry (``monoql.reasons``), passed as the
member at the raise site: a string is refused (TypeError), a misspelt member fails at import of the test suite
and in mypy.
"""

import logging

from monoql import reasons

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
VALIDATION_ERROR = "VALIDATION_ERROR"
RATE_LIMITED = "RATE_LIMITED"
INTERNAL_ERROR = "INTERNAL_ERROR"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
#: Seconds a client should wait before retrying after SERVICE_UNAVAILABLE (``Retry-After``).
RETRY_AFTER_SECONDS = 5

logger = logging.getLogger("monoql.errors")

HTTP_STATUS = {
    UNAUTHENTICATED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    VALIDATION_ERROR: 400,
    RATE_LIMITED: 429,
    INTERNAL_ERROR: 500,
    SERVICE_UNAVAILABLE: 503,
}


class DomainError(Exception):
    """An error the caller can act on.

    Args:
        message: user-facing sentence.
        code: one of the API codes above.
        reason: the registry member of the rule that failed (``monoql.reasons``: ``CampaignsReason.X``, or
            ``….spelled(surface)``), or None; ``self.reason`` is its spelling, ``self.reason_member`` the member.
        field: the input field at fault (dotted path), or None.
        extra: further JSON-serialisable details (e.g. ``{"fields": [...]}``).
    """

    code = INTERNAL_ERROR

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        reason: reasons.Reason | None = None,
        field: str | None = None,
        extra: dict | None = None,
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.reason_member: reasons.ReasonEnum | None
        if reason is None:
            self.reason_member, self.reason = None, None
        elif isinstance(reason, reasons.ReasonEnum):
            self.reason_member, self.reason = reason, reason.name
        elif isinstance(reason, reasons.Spelled):
            self.reason_member, self.reason = reason.member, reason.text
        else:
            raise TypeError(f"reason must be a member of an app's reason registry, not {reason!r}")
        self.field = field
        self.extra = extra or {}

    @property
    def extensions(self):
        """Return the ``extensions`` object of the GraphQL error: ``{code, reason?, field?, ...extra}``."""
        ext = {"code": self.code}
        if self.reason:
            ext["reason"] = self.reason
        if self.field:
            ext["field"] = self.field
        ext.update(self.extra)
        return ext


class Unauthenticated(DomainError):
    """No valid session or identity token (``UNAUTHENTICATED``)."""

    code = UNAUTHENTICATED


class Forbidden(DomainError):
    """Signed in, but not allowed (``FORBIDDEN``)."""

    code = FORBIDDEN


class NotFound(DomainError):
    """The addressed object does not exist or is not visible to the caller (``NOT_FOUND``)."""

    code = NOT_FOUND


class Unavailable(DomainError):
    """A resource the call needs is busy or down for now; retry later (``SERVICE_UNAVAILABLE``)."""

    code = SERVICE_UNAVAILABLE


class ValidationFailed(DomainError):
    """Bad input (``VALIDATION_ERROR``); ``field`` names the input at fault."""

    code = VALIDATION_ERROR
