"""Error reasons of sign-in, sessions, permissions and rate limits (``monoql.reasons``; docs/errors.md is generated from them)."""

from monoql.errors import FORBIDDEN, RATE_LIMITED, SERVICE_UNAVAILABLE, UNAUTHENTICATED, VALIDATION_ERROR
from monoql.reasons import ADMIN, CODE_REST, EXPORT_REST, FAN_SITE, GRAPHQL, REST, ReasonEnum, register


@register
class AccountsReason(ReasonEnum):
    """Reasons declared by ``accounts``."""

    EXPIRED_IDENTITY_TOKEN = (UNAUTHENTICATED, "The identity token has expired.", (GRAPHQL, REST, FAN_SITE))
    EXPIRED_TOKEN = (UNAUTHENTICATED, "Your session has expired; sign in again.", (GRAPHQL, REST))
    INVALID_CAMPAIGN_PERMISSIONS = (FORBIDDEN, "Missing … permission on campaign ….", (GRAPHQL, REST))
    INVALID_IDENTITY_TOKEN = (UNAUTHENTICATED, "The identity token names no user.", (GRAPHQL, REST, FAN_SITE))
    SIGN_IN_CANCELLED = (UNAUTHENTICATED, "The fan cancelled the sign-in at the identity provider.", (FAN_SITE,))
    SIGN_IN_FAILED = (
        UNAUTHENTICATED,
        "The identity provider's answer could not be used (not started here, expired, or refused: …).",
        (FAN_SITE,),
    )
    IDENTITY_PROVIDER_UNAVAILABLE = (
        SERVICE_UNAVAILABLE,
        "The identity provider did not answer; try again.",
        (FAN_SITE,),
    )
    INVALID_TOKEN = (UNAUTHENTICATED, "The session token is not valid.", (GRAPHQL, REST))
    INVALID_ACTION = (VALIDATION_ERROR, "Unknown campaign action '…'.", (ADMIN,))
    ACTION_NOT_GRANTABLE = (FORBIDDEN, "You can give only the actions you hold on this campaign (…).", (ADMIN,))
    INVITATION_INVALID = (VALIDATION_ERROR, "This invitation link is not valid.", (ADMIN,))
    INVITATION_EXPIRED = (VALIDATION_ERROR, "This invitation expired on …; ask for a new one.", (ADMIN,))
    INVITATION_USED = (VALIDATION_ERROR, "This invitation was already accepted.", (ADMIN,))
    INVITATION_REVOKED = (VALIDATION_ERROR, "This invitation was withdrawn.", (ADMIN,))
    INVALID_EMAIL = (VALIDATION_ERROR, "Enter a valid email address.", (ADMIN,))
    NO_ACTIONS = (VALIDATION_ERROR, "Choose a role or at least one action.", (ADMIN,))
    NOT_TEAM_MANAGER = (FORBIDDEN, "Only supreme users and holders of 'invite' manage this campaign's team.", (ADMIN,))
    USERNAME_TAKEN = (VALIDATION_ERROR, "That username is taken.", (ADMIN,))
    WEAK_PASSWORD = (VALIDATION_ERROR, "The password is too weak: ….", (ADMIN,))
    invalidSession = (UNAUTHENTICATED, "The signed-in account changed; sign in again.", (GRAPHQL,))
    notLoggedIn = (UNAUTHENTICATED, "Authentication required.", (GRAPHQL, REST, CODE_REST, EXPORT_REST))
    REVOKED_TOKEN = (UNAUTHENTICATED, "You signed out with this session; sign in again.", (GRAPHQL, REST))
    SUPREME_USER_REQUIRED = (
        FORBIDDEN,
        "Only supreme users may do this.",
        (GRAPHQL, REST, CODE_REST),
        {CODE_REST: "supremeUserRequired"},
    )
    ACCESS_NOT_DECLARED = (FORBIDDEN, "This endpoint declares no access; it is refused.", (REST,))
    TOO_MANY_SIGN_INS = (
        RATE_LIMITED,
        "Too many sign-ins from this address (or for this account) in the window; retry after … s.",
        (GRAPHQL, FAN_SITE),
    )
    TOO_MANY_REQUESTS = (
        RATE_LIMITED,
        "The caller spent its request budget for the window (anonymous per IP, signed in per user, uploads); retry after Retry-After seconds.",
        (GRAPHQL, REST),
    )
    ADMIN_REQUIRED = (FORBIDDEN, "Campaign staff only.", (ADMIN,))
    MISSING_CAMPAIGN_ID = (VALIDATION_ERROR, "Config.campaignId is required.", (GRAPHQL, REST))
