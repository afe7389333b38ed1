"""Query-shape limits checked with the validation rules (issue 8 item 2).

Each refusal is a validation error (``extensions.code VALIDATION_ERROR``) whose ``reason`` names the
limit and whose ``max`` gives it: ``QUERY_TOO_DEEP`` (``GRAPHQL_MAX_DEPTH``, default 12 levels of
selections, introspection fields not counted), ``TOO_MANY_ALIASES`` (``GRAPHQL_MAX_ALIASES``, default
30 per operation, counted after fragment expansion), ``QUERY_TOO_COSTLY`` (``GRAPHQL_MAX_COST``, default
5,000: the fields an operation may resolve after fragment expansion, each list field multiplying its
children by its ``limit``/``first`` or ``GRAPHQL_DEFAULT_LIST_SIZE``, default 20; fragments are expanded
once each, so a fragment bomb is measured in linear time and refused before execution), ``TOO_MANY_ROOT_FIELDS`` (``GRAPHQL_MAX_ROOT_FIELDS``, default 10 per operation) and
``INTROSPECTION_DISABLED`` when ``GRAPHQL_INTROSPECTION`` is off (production), ``TOO_MANY_LIST_ITEMS``
(``GRAPHQL_MAX_LIST_ITEMS``, default 1,000 items in a list written in the document).

Variables are checked before execution (``check_variables``): ``TOO_MANY_LIST_ITEMS``
(``GRAPHQL_MAX_VARIABLE_LIST_ITEMS``, default 100,000 — the largest list an operation takes, ``addTags``)
and ``JSON_TOO_DEEP`` (``GRAPHQL_MAX_JSON_DEPTH``, default 32 levels of nesting). The view caps the request
body (``REQUEST_TOO_LARGE``: ``GRAPHQL_MAX_BODY_BYTES`` for JSON, ``GRAPHQL_MAX_UPLOAD_BYTES`` for uploads).
"""

from dataclasses import dataclass

from django.conf import settings
from graphql import GraphQLError, GraphQLList, GraphQLNonNull
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
)
from graphql.validation import ValidationRule, specified_rules

from monoql.core_reasons import CoreReason
from monoql.errors import ValidationFailed


def _error(message, reason, maximum, node):
    return GraphQLError(message, node, extensions={"reason": reason, "limit": reason, "max": maximum})


@dataclass
class Shape:
    """What a selection set asks once every fragment is expanded: its depth, its aliases, and its cost —
    the fields it may resolve, each list field counting its items (its ``limit``/``first`` argument when
    written, else ``GRAPHQL_DEFAULT_LIST_SIZE``) times its children."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0

    def add(self, other: "Shape") -> None:
        self.depth = max(self.depth, other.depth)
        self.aliases += other.aliases
        self.cost += other.cost


def _unwrap(field_type):
    is_list = False
    while isinstance(field_type, (GraphQLNonNull, GraphQLList)):
        is_list = is_list or isinstance(field_type, GraphQLList)
        field_type = field_type.of_type
    return field_type, is_list


def _list_size(field: FieldNode) -> int:
    for argument in field.arguments or ():
        if argument.name.value in ("limit", "first") and isinstance(argument.value, IntValueNode):
            return max(1, int(argument.value.value))
    return settings.GRAPHQL_DEFAULT_LIST_SIZE


class _Expansion:
    """Computes the ``Shape`` of selection sets, expanding each fragment once (memoized), so a document whose
    fragments spread each other exponentially is measured in time linear in its size."""

    def __init__(self, schema, fragments: dict):
        self.schema, self.fragments = schema, fragments
        self.memo: dict[str, Shape] = {}
        self.visiting: set[str] = set()

    def fragment(self, name: str) -> Shape:
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.visiting:  # unknown or cyclic: GraphQL's own rules report it
            return Shape()
        self.visiting.add(name)
        shape = self.of(definition.selection_set, self.schema.get_type(definition.type_condition.name.value))
        self.visiting.discard(name)
        self.memo[name] = shape
        return shape

    def of(self, selection_set, parent_type) -> Shape:
        shape = Shape()
        if selection_set is None:
            return shape
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name.startswith("__"):
                    continue
                fields = getattr(parent_type, "fields", None) or {}
                child_type, is_list = _unwrap(fields[name].type) if name in fields else (None, False)
                child = self.of(selection.selection_set, child_type)
                items = _list_size(selection) if is_list else 1
                shape.depth = max(shape.depth, 1 + child.depth)
                shape.aliases += child.aliases + (1 if selection.alias is not None else 0)
                shape.cost += 1 + items * child.cost
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent_type
                shape.add(self.of(selection.selection_set, inner))
            elif isinstance(selection, FragmentSpreadNode):
                shape.add(self.fragment(selection.name.value))
        return shape


_CHECKS = (
    (
        "depth",
        "GRAPHQL_MAX_DEPTH",
        CoreReason.QUERY_TOO_DEEP.name,
        "The query is {} levels deep; at most {} are allowed.",
    ),
    (
        "aliases",
        "GRAPHQL_MAX_ALIASES",
        CoreReason.TOO_MANY_ALIASES.name,
        "The query uses {} aliases once its fragments are expanded; at most {} are allowed.",
    ),
    (
        "cost",
        "GRAPHQL_MAX_COST",
        CoreReason.QUERY_TOO_COSTLY.name,
        "The query costs {} (fields after fragment expansion, times list sizes); at most {} is allowed.",
    ),
)


class QueryShapeLimits(ValidationRule):
    """Depth, aliases, root fields and cost of each operation, measured after fragment expansion."""

    def enter_document(self, node, *args):
        fragments = {d.name.value: d for d in node.definitions if isinstance(d, FragmentDefinitionNode)}
        expansion = _Expansion(self.context.schema, fragments)
        for definition in node.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
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
            shape = expansion.of(definition.selection_set, self.context.schema.get_root_type(definition.operation))
            for attribute, setting, reason, message in _CHECKS:
                value, maximum = getattr(shape, attribute), getattr(settings, setting)
                if value > maximum:
                    error = _error(message.format(value, maximum), reason, maximum, definition)
                    if reason == CoreReason.QUERY_TOO_COSTLY.name:
                        error.extensions["cost"] = value
                    self.report_error(error)


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
        reason=CoreReason.INVALID_CHARACTER,
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
                reason=CoreReason.JSON_TOO_DEEP,
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
                    reason=CoreReason.TOO_MANY_LIST_ITEMS,
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
