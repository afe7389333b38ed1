"""Query-shape limits checked with the validation rules (issue 8 item 2).

Each refusal is a validation error (``extensions.code VALIDATION_ERROR``) whose ``reason`` names the
limit and whose ``max`` gives it: ``QUERY_TOO_DEEP`` (``GRAPHQL_MAX_DEPTH``, default 12 levels of
selections, introspection fields not counted), ``TOO_MANY_ALIASES`` (``GRAPHQL_MAX_ALIASES``, default
30 per document), ``TOO_MANY_ROOT_FIELDS`` (``GRAPHQL_MAX_ROOT_FIELDS``, default 10 per operation) and
``INTROSPECTION_DISABLED`` when ``GRAPHQL_INTROSPECTION`` is off (production), ``TOO_MANY_LIST_ITEMS``
(``GRAPHQL_MAX_LIST_ITEMS``, default 1,000 items in a list written in the document).

Variables are checked before execution (``check_variables``): ``TOO_MANY_LIST_ITEMS``
(``GRAPHQL_MAX_VARIABLE_LIST_ITEMS``, default 100,000 — the largest list an operation takes, ``addTags``)
and ``JSON_TOO_DEEP`` (``GRAPHQL_MAX_JSON_DEPTH``, default 32 levels of nesting). The view caps the request
body (``REQUEST_TOO_LARGE``: ``GRAPHQL_MAX_BODY_BYTES`` for JSON, ``GRAPHQL_MAX_UPLOAD_BYTES`` for uploads).
"""

from django.conf import settings
from graphql import GraphQLError
from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode, OperationDefinitionNode
from graphql.validation import ValidationRule, specified_rules

from monoql.errors import ValidationFailed


def _error(message, reason, maximum, node):
    return GraphQLError(message, node, extensions={"reason": reason, "limit": reason, "max": maximum})


def _depth(selection_set, fragments, seen) -> int:
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value.startswith("__"):
                continue
            deepest = max(deepest, 1 + _depth(selection.selection_set, fragments, seen))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection.selection_set, fragments, seen))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue
            deepest = max(deepest, _depth(fragments[name].selection_set, fragments, seen | {name}))
    return deepest


class QueryShapeLimits(ValidationRule):
    """Depth, aliases and root fields of the whole document."""

    def enter_document(self, node, *args):
        fragments = {d.name.value: d for d in node.definitions if not isinstance(d, OperationDefinitionNode)}
        aliases = 0
        for definition in node.definitions:
            aliases += _count_aliases(definition.selection_set)
            if not isinstance(definition, OperationDefinitionNode):
                continue
            depth = _depth(definition.selection_set, fragments, frozenset())
            if depth > settings.GRAPHQL_MAX_DEPTH:
                self.report_error(
                    _error(
                        f"The query is {depth} levels deep; at most {settings.GRAPHQL_MAX_DEPTH} are allowed.",
                        "QUERY_TOO_DEEP",
                        settings.GRAPHQL_MAX_DEPTH,
                        definition,
                    )
                )
            roots = len(definition.selection_set.selections)
            if roots > settings.GRAPHQL_MAX_ROOT_FIELDS:
                self.report_error(
                    _error(
                        f"The operation asks for {roots} root fields; at most {settings.GRAPHQL_MAX_ROOT_FIELDS}.",
                        "TOO_MANY_ROOT_FIELDS",
                        settings.GRAPHQL_MAX_ROOT_FIELDS,
                        definition,
                    )
                )
        if aliases > settings.GRAPHQL_MAX_ALIASES:
            self.report_error(
                _error(
                    f"The query uses {aliases} aliases; at most {settings.GRAPHQL_MAX_ALIASES} are allowed.",
                    "TOO_MANY_ALIASES",
                    settings.GRAPHQL_MAX_ALIASES,
                    node,
                )
            )


def _count_aliases(selection_set) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode) and selection.alias is not None:
            total += 1
        total += _count_aliases(getattr(selection, "selection_set", None))
    return total


class ListLimit(ValidationRule):
    """Refuse a list literal longer than ``GRAPHQL_MAX_LIST_ITEMS``."""

    def enter_list_value(self, node, *args):
        if len(node.values) > settings.GRAPHQL_MAX_LIST_ITEMS:
            self.report_error(
                _error(
                    f"A list has {len(node.values)} items; at most {settings.GRAPHQL_MAX_LIST_ITEMS} are allowed.",
                    "TOO_MANY_LIST_ITEMS",
                    settings.GRAPHQL_MAX_LIST_ITEMS,
                    node,
                )
            )


def _nul_error():
    return ValidationFailed(
        "Text may not contain the NUL character (\\u0000).",
        reason="INVALID_CHARACTER",
        extra={"limit": "INVALID_CHARACTER"},
    )


class NoNulCharacters(ValidationRule):
    """Refuse string literals holding NUL: no database stores it, so it is refused up front."""

    def enter_string_value(self, node, *args):
        if "\x00" in node.value:
            self.report_error(_error("Text may not contain the NUL character (\\u0000).", "INVALID_CHARACTER", 0, node))


def check_variables(variables) -> None:
    """Refuse variable values with too long lists or too deep nesting (iteratively: no recursion limit).

    Raises ValidationFailed ``TOO_MANY_LIST_ITEMS`` / ``JSON_TOO_DEEP`` with ``limit`` and ``max``, and
    ``INVALID_CHARACTER`` for text holding NUL (no database column stores it).
    """
    max_items, max_depth = settings.GRAPHQL_MAX_VARIABLE_LIST_ITEMS, settings.GRAPHQL_MAX_JSON_DEPTH
    stack = [(variables, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            raise ValidationFailed(
                f"A variable is nested more than {max_depth} levels deep.",
                reason="JSON_TOO_DEEP",
                extra={"limit": "JSON_TOO_DEEP", "max": max_depth},
            )
        if isinstance(value, str):
            if "\x00" in value:
                raise _nul_error()
        elif isinstance(value, dict):
            if any("\x00" in key for key in value):
                raise _nul_error()
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            if len(value) > max_items:
                raise ValidationFailed(
                    f"A list variable has {len(value)} items; at most {max_items} are allowed.",
                    reason="TOO_MANY_LIST_ITEMS",
                    extra={"limit": "TOO_MANY_LIST_ITEMS", "max": max_items},
                )
            stack.extend((item, depth + 1) for item in value)


class NoIntrospection(ValidationRule):
    """Refuse ``__schema`` and ``__type`` when introspection is switched off."""

    def enter_field(self, node, *args):
        if node.name.value in ("__schema", "__type"):
            self.report_error(_error("Introspection is disabled.", "INTROSPECTION_DISABLED", 0, node))


def validation_rules() -> list:
    """The validation rules to run: GraphQL's own, plus the limits above."""
    rules = [*specified_rules, QueryShapeLimits, ListLimit, NoNulCharacters]
    if not settings.GRAPHQL_INTROSPECTION:
        rules.append(NoIntrospection)
    return rules
