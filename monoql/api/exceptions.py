"""REST error shape: ``{status, message, code, reason?, field?}`` with the HTTP status of the API code."""

import logging

from django.db import InterfaceError, OperationalError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from monoql import reasons
from monoql.core_reasons import CoreReason
from monoql.errors import (
    HTTP_STATUS,
    INTERNAL_ERROR,
    RETRY_AFTER_SECONDS,
    SERVICE_UNAVAILABLE,
    UNAUTHENTICATED,
    VALIDATION_ERROR,
    DomainError,
)
from monoql.reasons import CODE_REST, EXPORT_REST, REST, declare_answers, may_answer

logger = logging.getLogger("monoql.api")

# every REST endpoint answers a body that is not JSON so
for _surface in (REST, CODE_REST, EXPORT_REST):
    declare_answers(_surface, [CoreReason.INVALID_JSON], everywhere=True)


def error_body(status: int, message: str, code: str, reason=None, field=None, **extra) -> dict:
    """Return the JSON body of an API error."""
    body = {"status": status, "message": message, "code": code}
    if reason:
        body["reason"] = reason
    if field:
        body["field"] = field
    body.update(extra)
    return body


def endpoint_reasons(view) -> tuple:
    """The reasons a REST view declares it answers: its access's refusals and its ``errors``."""
    access = getattr(view, "access", None)
    return (*getattr(access, "reasons", ()), *getattr(view, "errors", ()))


def _check_declared(error: DomainError, view) -> None:
    """Report a reason the view answers without declaring it (``monoql.reasons.unexpected``: the test suite fails
    on it; in production it is only logged: the answer still goes out)."""
    if view is None or error.reason_member is None:
        return
    surface = getattr(view, "surface", REST)
    if not may_answer(surface, error.reason_member, endpoint_reasons(view)):
        where = f"{type(view).__name__} ({surface})"
        reasons.unexpected.append(f"{where}: {error.reason}")
        logger.error("%s answered %s, which it does not declare (errors = …)", where, error.reason)


def api_exception_handler(exc, context):
    """Map DomainError and DRF exceptions onto the error shape; a database outage is a 503 with
    ``Retry-After``; anything else is a logged 500."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.error("database unavailable", exc_info=exc)
        response = Response(
            error_body(503, "The service is unavailable; retry shortly.", SERVICE_UNAVAILABLE), status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, DomainError):
        _check_declared(exc, context.get("view"))
        status = HTTP_STATUS[exc.code]
        return Response(error_body(status, exc.message, exc.code, exc.reason, exc.field, **exc.extra), status=status)
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        detail = exc.detail if isinstance(exc.detail, dict) else {"message": str(exc.detail), "reason": "notLoggedIn"}
        response = Response(
            error_body(401, str(detail.get("message")), UNAUTHENTICATED, str(detail.get("reason"))), status=401
        )
        response["WWW-Authenticate"] = 'Bearer realm="monoql"'
        return response
    if isinstance(exc, exceptions.ParseError):
        return Response(
            error_body(400, "The request body is not valid JSON.", VALIDATION_ERROR, CoreReason.INVALID_JSON.name),
            status=400,
        )
    response = exception_handler(exc, context)
    if response is not None:
        response.data = error_body(
            response.status_code,
            str(getattr(exc, "detail", exc)),
            VALIDATION_ERROR if response.status_code < 500 else INTERNAL_ERROR,
        )
        return response
    logger.error("api internal error", exc_info=exc)
    return Response(error_body(500, "Internal server error.", INTERNAL_ERROR), status=500)
