"""Error reasons of the GraphQL endpoint, the request gate and the HTTP
plumbing (``monoql.reasons``; docs/errors.md is generated from them)."""

from monoql.errors import FORBIDDEN, NOT_FOUND, SERVICE_UNAVAILABLE, VALIDATION_ERROR
from monoql.reasons import ADMIN, CODE_REST, COMMAND, EXPORT_REST, FAN_SITE, GRAPHQL, REST, ReasonEnum, register


@register
class CoreReason(ReasonEnum):
    """Reasons declared by the core (``monoql``)."""

    CSRF_FAILED = (FORBIDDEN, "CSRF token missing or incorrect.", (GRAPHQL,))
    DOCUMENT_TOO_LARGE = (
        VALIDATION_ERROR,
        "The GraphQL document is larger than … bytes or has more than … tokens.",
        (GRAPHQL,),
    )
    ERASURE_FAILED = (
        SERVICE_UNAVAILABLE,
        "The erasure job failed after its attempts; its error says why (run it again).",
        (ADMIN, COMMAND),
    )
    ERASURE_NOT_FOUND = (NOT_FOUND, "No such erasure.", (REST,))
    INVALID_CHARACTER = (VALIDATION_ERROR, "Text may not contain the NUL character (\\u0000).", (GRAPHQL,))
    INVALID_HOST = (VALIDATION_ERROR, "The request's Host is not a domain this deployment serves.", (FAN_SITE,))
    JSON_TOO_DEEP = (VALIDATION_ERROR, "A variable is nested more than … levels deep.", (GRAPHQL,))
    LOCK_TIMEOUT = (
        SERVICE_UNAVAILABLE,
        "Another job holds what this call needs (…); try again in a moment.",
        (GRAPHQL, REST),
    )
    METHOD_NOT_ALLOWED = (FORBIDDEN, "Mutations must be sent with POST.", (GRAPHQL,))
    MISSING_FAN_ID = (VALIDATION_ERROR, "fanId is required.", (REST,))
    QUERY_TIMEOUT = (VALIDATION_ERROR, "The query ran longer than … s and was stopped.", (GRAPHQL,))
    READ_ONLY = (FORBIDDEN, "This admin page cannot save this record.", (ADMIN,))
    REQUEST_TOO_LARGE = (
        VALIDATION_ERROR,
        "The request body is larger than the accepted size (uploads have their own, larger cap).",
        (GRAPHQL,),
    )
    TOO_MANY_LIST_ITEMS = (VALIDATION_ERROR, "A list variable has … items; at most … are allowed.", (GRAPHQL,))
    QUERY_TOO_DEEP = (VALIDATION_ERROR, "The query is … levels deep; at most … are allowed.", (GRAPHQL,))
    TOO_MANY_ALIASES = (VALIDATION_ERROR, "The query uses … aliases; at most … are allowed.", (GRAPHQL,))
    QUERY_TOO_COSTLY = (
        VALIDATION_ERROR,
        "The query would cost … (fields × list sizes); at most … is allowed.",
        (GRAPHQL,),
    )
    INVALID_JSON = (VALIDATION_ERROR, "The request body is not valid JSON.", (REST, CODE_REST, EXPORT_REST))
    InvalidDateKey = (VALIDATION_ERROR, "CodeWaves needs a dateKey (YYYYMMDD).", (GRAPHQL, REST, EXPORT_REST))
    INVALID_LOCALE = (VALIDATION_ERROR, "'…' is not a locale such as en_US.", (GRAPHQL, REST))
