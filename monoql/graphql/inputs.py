"""Input types declared from their output types (issue 21 "declare each shape once").

``MarketInput`` is what a client sends of a ``Market``: the same field names, types and descriptions. Rather
than a second class written field for field, ``input_of(Market)`` builds it from the output's declaration:
scalars and enums keep their type, a nested object type becomes that type's input (declared first), lists and
non-null wrappers are kept, field arguments and deprecations are dropped (inputs have neither). A field's
description is the output's, so GraphiQL shows one text on both sides.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import graphene
from django.core.exceptions import ImproperlyConfigured
from graphene.types.utils import yank_fields_from_attrs

#: Output type → the input type built from it (nested fields of later inputs resolve through this).
_INPUT_OF: dict[type, type[graphene.InputObjectType]] = {}


def _fields_of(source: type) -> dict[str, graphene.Field]:
    """The fields an output declaration holds, in declaration order: an ObjectType's or Interface's mounted
    fields, or a plain field-bearing mixin's class attributes (the campaign apps' ``*Fields`` classes)."""
    meta = getattr(source, "_meta", None)
    if meta is not None and getattr(meta, "fields", None) is not None:
        return dict(meta.fields)
    return dict(yank_fields_from_attrs(vars(source), _as=graphene.Field))


def _input_type_of(of_type: Any) -> Any:
    if isinstance(of_type, graphene.NonNull):
        return graphene.NonNull(_input_type_of(of_type.of_type))
    if isinstance(of_type, graphene.List):
        return graphene.List(_input_type_of(of_type.of_type))
    if isinstance(of_type, type) and issubclass(of_type, (graphene.ObjectType, graphene.Interface)):
        try:
            return _INPUT_OF[of_type]
        except KeyError:
            raise ImproperlyConfigured(f"declare input_of({of_type.__name__}) before the inputs that use it") from None
    return of_type


def input_of(
    *sources: type,
    name: str | None = None,
    only: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    required: Iterable[str] = (),
    extra: Mapping[str, Any] | None = None,
    description: str | None = None,
) -> type[graphene.InputObjectType]:
    """Build the input type of one output declaration (or of the union of several, first one wins per field).

    Args:
        sources: output ObjectTypes, Interfaces or field mixins; the first declares the name (``X`` → ``XInput``)
            and, when it is an ObjectType alone, is registered so later inputs nest this one.
        name: the input type's name when it is not ``<first source>Input``.
        only: the field names to take, in this order (default: every field of the sources, in their order).
        exclude: field names (Python attribute names) left out.
        required: field names made non-null (``String!``) in the input.
        extra: field name → graphene input field that replaces or adds a field (a different type or text).
        description: the type's description (default: built from the first source's).

    Returns: the ``graphene.InputObjectType`` subclass. Raises ``ImproperlyConfigured`` when a nested output
    type has no input declared yet, or a field in ``only``/``required`` is in no source.
    """
    declared: dict[str, graphene.Field] = {}
    for source in sources:
        for key, field in _fields_of(source).items():
            declared.setdefault(key, field)
    names = list(only) if only is not None else [key for key in declared if key not in set(exclude)]
    extra = dict(extra or {})
    missing = [key for key in [*names, *required] if key not in declared and key not in extra]
    if missing:
        raise ImproperlyConfigured(f"input_of({sources[0].__name__}): no field {missing}")
    attrs: dict[str, Any] = {}
    for key in names:
        if key in extra:
            attrs[key] = extra.pop(key)
            continue
        field = declared[key]
        of_type = _input_type_of(field.type)
        attrs[key] = graphene.InputField(
            of_type,
            name=field.name,
            description=field.description,
            required=key in set(required) and not isinstance(of_type, graphene.NonNull),
        )
    attrs.update(extra)
    for value in attrs.values():
        value.reset_counter()  # graphene orders fields by creation: the order above, extras in their place
    first = sources[0]
    type_name = name or f"{first.__name__}Input"
    attrs["Meta"] = type(
        "Meta",
        (),
        {"name": type_name, "description": description or _input_description(first)},
    )
    input_type = type(type_name, (graphene.InputObjectType,), attrs)
    if name is None and len(sources) == 1 and issubclass(first, graphene.ObjectType):
        _INPUT_OF[first] = input_type
    return input_type


def _input_description(source: type) -> str:
    meta = getattr(source, "_meta", None)
    text = (getattr(meta, "description", None) or source.__doc__ or "").strip()
    return f"{source.__name__} as a client sends it (the output type's fields, as input). {text}".strip()
