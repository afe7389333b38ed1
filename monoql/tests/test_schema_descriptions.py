"""The schema as GraphiQL's documentation (issue 21): every type, field, argument, input field and enum value
of the live schema is described — no description under 20 characters or equal to its humanized name —, every
date names its format and time zone, and every operation lists the errors the reason registry pairs."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    get_named_type,
)

from monoql import reasons
from monoql.graphql.enums import enum_from_choices
from monoql.schema import schema

#: A field or argument whose name says it holds a date or a time.
DATE_NAME = re.compile(
    r"^(date|created|updated|opened|closed|open|close|finish|started|finished|triggered|pending|failed|expired"
    r"|scheduled|notify|begin|end|expiresAt)$|Date|date[A-Z]|Onsale|Window|Reminders$"
)
#: Date-like names that are not dates: keys of a day (YYYYMMDD, described as such) and a count of codes.
NOT_DATES = {
    ("Export", "dateKey"),
    ("WavePrep", "dateKey"),
    ("Stat", "dateId"),
    ("UploadCodesCount", "updated"),
    ("Query", "stats(dateId)"),
    ("Mutation", "scheduleExport(dateKey)"),
    ("Mutation", "uploadWavePrepFile(dateKey)"),
    ("Mutation", "triggerWavePrep(dateKey)"),
    ("Mutation", "upsertStat(dateId)"),
}
#: The scalar types a date travels in (a date-time string, epoch seconds, or a JSON object of dates).
DATE_SCALARS = {"String", "Int", "JSON"}
BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def _humanized(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).replace("_", " ").strip().lower()


def _check(where: str, name: str, description) -> list[str]:
    if not description:
        return [f"{where}: no description"]
    problems = []
    if len(description) < 20:
        problems.append(f"{where}: description under 20 characters")
    if description.strip(" .").lower() == _humanized(name):
        problems.append(f"{where}: description is only the name")
    return problems


def _all_elements():
    """(where, name, description) of every described thing of the live schema."""
    for type_name, graphql_type in schema.graphql_schema.type_map.items():
        if type_name.startswith("__") or type_name in BUILT_IN_SCALARS:
            continue
        yield type_name, type_name, graphql_type.description
        if isinstance(graphql_type, GraphQLEnumType):
            for value_name, value in graphql_type.values.items():
                yield f"{type_name}.{value_name}", value_name, value.description
        if isinstance(graphql_type, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            for field_name, field in graphql_type.fields.items():
                yield f"{type_name}.{field_name}", field_name, field.description
                for arg_name, arg in getattr(field, "args", {}).items():
                    yield f"{type_name}.{field_name}({arg_name})", arg_name, arg.description


def _date_elements():
    """(type, field or field(arg), description) of every scalar field and argument whose name is a date's."""
    for type_name, graphql_type in schema.graphql_schema.type_map.items():
        if type_name.startswith("__") or not hasattr(graphql_type, "fields"):
            continue
        for field_name, field in graphql_type.fields.items():
            if DATE_NAME.search(field_name) and get_named_type(field.type).name in DATE_SCALARS:
                yield type_name, field_name, field.description
            for arg_name, arg in getattr(field, "args", {}).items():
                if DATE_NAME.search(arg_name):
                    yield type_name, f"{field_name}({arg_name})", arg.description


def test_every_type_field_argument_and_enum_value_is_described():
    # given every element of the live schema (built-in scalars and introspection left out)
    elements = list(_all_elements())
    # then each says what it is, in more than its own name
    problems = [problem for element in elements for problem in _check(*element)]
    assert len(elements) >= 1000
    assert problems == []


def test_every_date_names_its_format_and_time_zone():
    # given every scalar field and argument named as a date, but the day keys
    dates = [(t, f, d) for t, f, d in _date_elements() if (t, f) not in NOT_DATES]
    # then its description names the format and the time zone (ISO-8601 in UTC, or epoch seconds in UTC)
    problems = [
        f"{t}.{f}: {d}"
        for t, f, d in dates
        if "UTC" not in (d or "") or not ("ISO-8601" in d or "seconds since the Unix epoch" in d)
    ]
    assert len(dates) >= 40
    assert problems == []


def test_day_keys_name_their_format():
    # given the date-like names that hold a day key (YYYYMMDD) rather than a date-time
    keys = [(t, f, d) for t, f, d in _date_elements() if (t, f) in NOT_DATES and "dateKey" in f]
    # then each names the YYYYMMDD format
    assert len(keys) == 5
    assert [f"{t}.{f}" for t, f, d in keys if "YYYYMMDD" not in d] == []


def test_every_operation_and_argument_is_described_and_listed_errors_match_the_registry():
    # given every root query and mutation
    operations = [
        (root, name, field)
        for root in ("Query", "Mutation")
        for name, field in schema.graphql_schema.get_type(root).fields.items()
    ]
    # then each is described, and every "CODE reason" it lists is the registry's pairing
    problems = []
    for root, name, field in operations:
        problems += _check(f"{root}.{name}", name, field.description)
        for arg_name, arg in field.args.items():
            problems += _check(f"{root}.{name}({arg_name})", arg_name, arg.description)
        listed = re.search(r"Errors: (.*) \(docs/errors\.md\)", field.description or "")
        for pair in listed.group(1).split(", ") if listed else []:
            code, reason = pair.split(" ")
            member = reasons.lookup(reason)
            if member is None or member.code != code:
                problems.append(f"{root}.{name}: {pair} is not in the registry")
    assert len(operations) >= 45
    assert problems == []


def test_an_enum_value_without_its_description_fails_where_the_enum_is_built():
    # given a value set whose descriptions miss one of its values (a value added to the choices alone)
    class Colour(models.TextChoices):
        RED = "red"
        BLUE = "blue"

    # when its GraphQL enum is built, then it is refused, naming the enum and both lists
    with pytest.raises(ImproperlyConfigured, match=r"Colour: descriptions for \['red'\], values \['blue', 'red'\]"):
        enum_from_choices(Colour, name="Colour", description="A colour of the test.", descriptions={"red": "Red."})
    # and with every value described, the values take those descriptions
    built = enum_from_choices(
        Colour, name="Colour", description="A colour of the test.", descriptions={"red": "Warm.", "blue": "Cold."}
    )
    assert [member.value for member in built._meta.enum] == ["red", "blue"]
