"""Query-shape limits checked with the validation rules (issue 8 item 2).

Each refusal is a validation error (``extensions.code VALIDATION_ERROR``) whose ``reason`` names the
limit and whose ``max`` gives it: ``QUERY_TOO_DEEP`` (``GRAPHQL_MAX_DEPTH``, default 12 levels of
selections, introspection fields not counted), ``TOO_MANY_ALIASES`` (``GRAPHQL_MAX_ALIASES``, default
30 per document), ``TOO_MANY_ROOT_FIELDS`` (``GRAPHQL_MAX_ROOT_FIELDS``, default 10 per operation) and
``INTROSPECTION_DISABLED`` when ``GRAPHQL_INTROSPECTION`` is off (production).
"""

from django.conf import settings
from graphql import GraphQLError
from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode, OperationDefinitionNode
from graphql.validation import ValidationRule, specified_rules


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


class NoIntrospection(ValidationRule):
    """Refuse ``__schema`` and ``__type`` when introspection is switched off."""

    def enter_field(self, node, *args):
        if node.name.value in ("__schema", "__type"):
            self.report_error(_error("Introspection is disabled.", "INTROSPECTION_DISABLED", 0, node))


def validation_rules() -> list:
    """The validation rules to run: GraphQL's own, plus the limits above."""
    rules = [*specified_rules, QueryShapeLimits]
    if not settings.GRAPHQL_INTROSPECTION:
        rules.append(NoIntrospection)
    return rules
