"""GraphQL error shaping (decisions.md "GraphQL error codes", catalog §4.1).

Every error leaves with ``extensions.code``; domain errors add ``reason`` and ``field``; unexpected
exceptions become ``INTERNAL_ERROR`` with a generic message and are logged with their stack, never returned.
"""

import logging

from django.db import InterfaceError, OperationalError
from graphene_django.views import HttpError
from graphql import GraphQLError

from monoql.errors import INTERNAL_ERROR, SERVICE_UNAVAILABLE, VALIDATION_ERROR, DomainError
from monoql.observability import count_error

logger = logging.getLogger("monoql.graphql")


def format_graphql_error(error) -> dict:
    """Return the JSON object of one error of an ExecutionResult (and count it by code for /metrics)."""
    formatted = _format(error)
    count_error(formatted.get("extensions", {}).get("code"))
    return formatted


#: A database that does not answer (down, restarting, unreachable): the client should retry, not report a bug.
DB_OUTAGE = (OperationalError, InterfaceError)


def _unavailable(error) -> dict:
    logger.error("database unavailable", exc_info=error)
    return {"message": "The service is unavailable; retry shortly.", "extensions": {"code": SERVICE_UNAVAILABLE}}


def _format(error) -> dict:
    if isinstance(error, HttpError):
        # A request graphene-django refused before execution (bad body, wrong method): the caller's fault.
        message = (
            error.message if isinstance(error.message, str) and not error.message.startswith("{") else "Bad request."
        )
        return {"message": message, "extensions": {"code": VALIDATION_ERROR}}
    if isinstance(error, DB_OUTAGE):
        return _unavailable(error)
    if not isinstance(error, GraphQLError):
        logger.error("graphql internal error", exc_info=error)
        return {"message": "Internal server error.", "extensions": {"code": INTERNAL_ERROR}}
    formatted: dict = dict(error.formatted)
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    if isinstance(original, DB_OUTAGE):
        return {**_unavailable(original), **({"path": formatted["path"]} if formatted.get("path") else {})}
    if isinstance(original, DomainError):
        formatted["message"] = original.message
        formatted["extensions"] = original.extensions
    elif original is None or not formatted.get("path"):
        # Syntax, validation and variable-coercion errors (no resolver path): the request itself is malformed,
        # whatever exception a scalar's parser raised.
        formatted["extensions"] = {"code": VALIDATION_ERROR, **(formatted.get("extensions") or {})}
        formatted["extensions"]["code"] = VALIDATION_ERROR
    else:
        logger.error("graphql resolver error", exc_info=original, extra={"path": formatted.get("path")})
        formatted["message"] = "Internal server error."
        formatted["extensions"] = {"code": INTERNAL_ERROR}
    return formatted
