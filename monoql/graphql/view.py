"""The ``/graphql`` endpoint: graphene-django's view with our auth, CSRF rule, error shape and caches."""

import functools
import json
import time

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphene_file_upload.django import FileUploadGraphQLView
from graphql import ExecutionResult, OperationType, execute, get_operation_ast, parse, validate
from graphql.error import GraphQLError

from monoql.core_reasons import CoreReason
from monoql.errors import RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE, VALIDATION_ERROR, Forbidden, ValidationFailed
from monoql.graphql import response_cache
from monoql.graphql.errors import format_graphql_error
from monoql.graphql.limits import check_variables, validation_rules
from monoql.middleware import is_header_api_call
from monoql.reasons import GRAPHQL, declare_answers

DOCUMENT_CACHE_SIZE = 512

# What the endpoint itself answers, whatever the operation (docs/errors.md): its limits, CSRF, method, timeout.
declare_answers(
    GRAPHQL,
    [
        CoreReason.CSRF_FAILED,
        CoreReason.METHOD_NOT_ALLOWED,
        CoreReason.REQUEST_TOO_LARGE,
        CoreReason.DOCUMENT_TOO_LARGE,
        CoreReason.INVALID_CHARACTER,
        CoreReason.JSON_TOO_DEEP,
        CoreReason.TOO_MANY_LIST_ITEMS,
        CoreReason.QUERY_TOO_DEEP,
        CoreReason.TOO_MANY_ALIASES,
        CoreReason.QUERY_TOO_COSTLY,
        CoreReason.QUERY_TIMEOUT,
    ],
    everywhere=True,
)
#: graphene-django's dispatch without its ``ensure_csrf_cookie`` wrapper: a header-authenticated call has no
#: cookie to protect, so it skips minting a CSRF token it would drop anyway (issue 23).
_DISPATCH_WITHOUT_CSRF_COOKIE = getattr(GraphQLView.dispatch, "__wrapped__", None)


def _limits() -> tuple:
    return (
        settings.GRAPHQL_MAX_DEPTH,
        settings.GRAPHQL_MAX_ALIASES,
        settings.GRAPHQL_MAX_ROOT_FIELDS,
        settings.GRAPHQL_MAX_COST,
        settings.GRAPHQL_DEFAULT_LIST_SIZE,
        settings.GRAPHQL_INTROSPECTION,
    )


def _parse_and_validate(schema, query: str):
    """Parse and validate ``query`` once per distinct text and limits (bounded LRU). Returns (document, errors).

    The document is bounded before parsing (``GRAPHQL_MAX_DOCUMENT_BYTES``, checked before the cache, which never
    holds an oversized text) and while parsing (graphql-core's ``max_tokens``: ``GRAPHQL_MAX_TOKENS``); either
    refusal is VALIDATION_ERROR ``DOCUMENT_TOO_LARGE`` within milliseconds.
    """
    limit = settings.GRAPHQL_MAX_DOCUMENT_BYTES
    if len(query) > limit or (len(query) * 4 > limit and len(query.encode("utf-8")) > limit):
        return None, (_document_too_large(f"The GraphQL document is larger than {limit} bytes.", limit),)
    return _parse_and_validate_cached(schema, query, _limits())


def _document_too_large(message: str, limit: int) -> GraphQLError:
    error = ValidationFailed(
        message, reason=CoreReason.DOCUMENT_TOO_LARGE, extra={"limit": "DOCUMENT_TOO_LARGE", "max": limit}
    )
    return GraphQLError(message, original_error=error)


@functools.lru_cache(maxsize=DOCUMENT_CACHE_SIZE)
def _parse_and_validate_cached(schema, query: str, limits: tuple):
    try:
        document = parse(query, max_tokens=settings.GRAPHQL_MAX_TOKENS)
    except GraphQLError as error:
        if "tokens" in error.message and "Parsing aborted" in error.message:
            limit = settings.GRAPHQL_MAX_TOKENS
            return None, (_document_too_large(f"The GraphQL document has more than {limit} tokens.", limit),)
        return None, (error,)
    return document, tuple(validate(schema, document, rules=validation_rules()))


def _too_large(request):
    """A 413 GraphQL error when the declared body exceeds the cap (uploads have their own, larger cap)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    multipart = request.content_type == "multipart/form-data"
    limit = settings.GRAPHQL_MAX_UPLOAD_BYTES if multipart else settings.GRAPHQL_MAX_BODY_BYTES
    if length <= limit:
        return None
    extensions = {
        "code": VALIDATION_ERROR,
        "reason": CoreReason.REQUEST_TOO_LARGE.name,
        "limit": CoreReason.REQUEST_TOO_LARGE.name,
        "max": limit,
    }
    body = {"errors": [{"message": f"The request body is larger than {limit} bytes.", "extensions": extensions}]}
    return HttpResponse(json.dumps(body), status=413, content_type="application/json")


def _csrf_failure(request):
    """Return the CSRF failure response of Django's middleware for ``request``, or None when it passes."""
    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})


# Mutations that prove themselves with an identity token (or only end the session) need no CSRF token.
CSRF_FREE_MUTATIONS = frozenset({"authenticate", "logout"})


def _is_mutation(schema, query: str, operation_name) -> bool:
    """True when the operation to run is a mutation (or the document does not parse: never cached)."""
    document, errors = _parse_and_validate(schema, query)
    if document is None or errors:
        return True
    operation_ast = get_operation_ast(document, operation_name)
    return operation_ast is None or operation_ast.operation != OperationType.QUERY


def _only_sign_in_fields(operation_ast) -> bool:
    selections = operation_ast.selection_set.selections
    return all(getattr(getattr(s, "name", None), "value", None) in CSRF_FREE_MUTATIONS for s in selections)


def _deadline(until: float):
    """A resolver middleware refusing to start any more resolvers once the execution's wall-clock budget
    (``GRAPHQL_MAX_SECONDS``) is spent: the answer holds what resolved so far and ``QUERY_TIMEOUT`` errors.
    A mutation that ran is answered in full: the fields under it describe a write that happened, and refusing
    them would tell the client a saved write failed (issue 36); only mutations not yet started are refused."""

    def middleware(next_, root, info, **args):
        started_write = info.operation.operation == OperationType.MUTATION and info.path.prev is not None
        if time.monotonic() > until and not started_write:
            raise ValidationFailed(
                f"The query ran longer than {settings.GRAPHQL_MAX_SECONDS:g} s and was stopped.",
                reason=CoreReason.QUERY_TIMEOUT,
                extra={"limit": "QUERY_TIMEOUT", "max": settings.GRAPHQL_MAX_SECONDS},
            )
        return next_(root, info, **args)

    return middleware


@method_decorator(csrf_exempt, name="dispatch")
class MonoqlGraphQLView(FileUploadGraphQLView):
    """GraphQL over HTTP (POST JSON or GraphQL multipart uploads; GET for queries and GraphiQL).

    Header-authenticated calls need no CSRF token; a mutation authenticated by the session cookie must
    carry Django's CSRF token (``X-CSRFToken``), otherwise it answers FORBIDDEN ``reason=CSRF_FAILED``.
    """

    graphiql = True
    #: ``request -> session`` (``source``, ``token``, ``set_cookie``, ``clear_cookie``, campaign passwords):
    #: who is calling and which cookies the answer carries. Passed in by root composition
    #: (``monoql/urls.py``: ``accounts.session.viewer_session``); the core knows no account model.
    session_for = None

    def __init__(self, *, session_for=None, **kwargs):
        super().__init__(**kwargs)
        if session_for is not None:
            self.session_for = session_for

    def dispatch(self, request, *args, **kwargs):  # noqa: D102 - see _dispatch
        self.graphiql = settings.GRAPHIQL_ENABLED
        too_large = _too_large(request)
        if too_large is not None:
            return too_large
        return self._dispatch(request, *args, **kwargs)

    @staticmethod
    def format_error(error):
        return format_graphql_error(error)

    def parse_body(self, request):
        """JSON or the multipart request spec (``operations``, ``map``, file parts); malformed → 400."""
        try:
            return super().parse_body(request)
        except (ValueError, KeyError, TypeError, RecursionError, MultiPartParserError, SuspiciousOperation) as error:
            # Django's own multipart errors would answer an HTML 400: an API client gets coded JSON.
            raise HttpError(self._bad_request("Malformed request body."), "Malformed request body.") from error

    def _dispatch(self, request, *args, **kwargs):
        if _DISPATCH_WITHOUT_CSRF_COOKIE is not None and is_header_api_call(request):
            response = _DISPATCH_WITHOUT_CSRF_COOKIE(self, request, *args, **kwargs)
        else:
            response = super().dispatch(request, *args, **kwargs)
        if getattr(request, "retry_after", None):
            response["Retry-After"] = str(request.retry_after)
        if getattr(request, "answer_etag", None) and response.status_code == 200:
            response["ETag"] = request.answer_etag
            response["Cache-Control"] = response_cache.CACHE_CONTROL
        session = self.session_for(request)
        if session.source == "header":
            # graphene-django asks for a CSRF cookie on every answer; a caller authenticated by header
            # sends no cookies to protect, so skip the Set-Cookie (and its cost) for it.
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
            response.cookies.pop(settings.CSRF_COOKIE_NAME, None)
        session.apply_cookies(response)
        return response

    def get_response(self, request, data, show_graphiql=False):
        """Serve anonymous queries from the answer cache (``monoql.graphql.response_cache``) when possible."""
        key = None
        if not show_graphiql:
            query, variables, operation_name, _ = self.get_graphql_params(request, data)
            if not isinstance(query, (str, type(None))) or not isinstance(operation_name, (str, type(None))):
                raise HttpError(
                    self._bad_request("query and operationName must be strings."),
                    "query and operationName must be strings.",
                )
            if not isinstance(variables, (dict, type(None))):
                raise HttpError(self._bad_request("variables must be an object."), "variables must be an object.")
            if query and not _is_mutation(self.schema.graphql_schema, query, operation_name):
                key = response_cache.cache_key(request, query, variables, operation_name)
        computed_at = None
        probe = getattr(request, "answer_cache_probe", None)
        if key and probe is not None and probe[0] == key and probe[1] is not None:
            computed_at = probe[1]  # the request gate looked it up before GraphQL ran: a miss
        elif key:
            cached, computed_at = response_cache.get(key)
            if cached is not None:
                request.graphql_operation_name = operation_name or response_cache.operation_name_of(query)
                request.answer_etag = response_cache.etag(key, computed_at)
                return cached, 200
        result, status_code = super().get_response(request, data, show_graphiql)
        if result and f'"{SERVICE_UNAVAILABLE}"' in result:
            # A database outage is not the client's bug: 503 with Retry-After, never 200 with INTERNAL_ERROR.
            status_code = 503
            request.retry_after = RETRY_AFTER_SECONDS
        session = self.session_for(request)
        cacheable = status_code == 200 and result and not session.campaign_passwords_changed and session.token is None
        if key and cacheable and not session.set_cookie and '"errors"' not in result[:20]:
            response_cache.put(key, result, computed_at)
            request.answer_etag = response_cache.etag(key, computed_at)
        return result, status_code

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        if not query:
            if show_graphiql:
                return None
            raise HttpError(self._bad_request("Must provide query string."), "Must provide query string.")
        schema = self.schema.graphql_schema
        document, errors = _parse_and_validate(schema, query)
        if errors:
            return ExecutionResult(data=None, errors=list(errors))
        operation_ast = get_operation_ast(document, operation_name)
        request.graphql_operation_name = operation_name or (
            operation_ast.name.value if operation_ast is not None and operation_ast.name else None
        )
        is_mutation = operation_ast is not None and operation_ast.operation == OperationType.MUTATION
        if is_mutation and request.method.lower() == "get":
            if show_graphiql:
                return None
            return ExecutionResult(
                errors=[
                    GraphQLError(
                        "Mutations must be sent with POST.",
                        original_error=Forbidden(
                            "Mutations must be sent with POST.", reason=CoreReason.METHOD_NOT_ALLOWED
                        ),
                    )
                ]
            )
        if (
            is_mutation
            and self.session_for(request).source == "cookie"
            and not _only_sign_in_fields(operation_ast)
            and _csrf_failure(request) is not None
        ):
            error = Forbidden("CSRF token missing or incorrect.", reason=CoreReason.CSRF_FAILED)
            return ExecutionResult(errors=[GraphQLError(error.message, original_error=error)])
        try:
            check_variables(variables)
        except ValidationFailed as error:
            return ExecutionResult(errors=[GraphQLError(error.message, original_error=error)])
        try:
            return execute(
                schema,
                document,
                root_value=self.get_root_value(request),
                context_value=self.get_context(request),
                variable_values=variables,
                operation_name=operation_name,
                middleware=[
                    *(self.get_middleware(request) or []),
                    _deadline(time.monotonic() + settings.GRAPHQL_MAX_SECONDS),
                ],
            )
        except Exception as error:  # noqa: BLE001 - shaped into INTERNAL_ERROR by format_error
            return ExecutionResult(errors=[error])

    @staticmethod
    def _bad_request(message):
        return HttpResponseBadRequest(
            json.dumps({"errors": [{"message": message, "extensions": {"code": "VALIDATION_ERROR"}}]}),
            content_type="application/json",
        )
