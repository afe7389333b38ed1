"""The schema as GraphiQL's documentation (issue 21, first part): the sign-in and registration surface a fan
site starts from, and what its pages show of a campaign, are fully described — every type, field, argument and
input field, no description under 20 characters or equal to its humanized name, every date naming its format
and time zone. (The rest of the schema follows in the next steps of issue 21.)"""

import re

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from monoql import reasons
from monoql.schema import schema

DESCRIBED_TYPES = [
    "Viewer",
    "ViewerAuth",
    "CampaignPermissions",
    "Account",
    "CurrentPhone",
    "IdentityAuth",
    "ViewerInput",
    # what a fan page shows of a campaign
    "Market",
    "MarketEvent",
    "MarketVenue",
    "GeoPoint",
    "SplitAllocation",
    "CampaignArtist",
    "CampaignTour",
    "CampaignDate",
    "CampaignDomain",
    "Locale",
    "CampaignEntry",
    "Eligibility",
    "Campaign",
    "RegistrationCampaign",
    "CampaignOptions",
    # inputs take the descriptions of their outputs' fields (monoql.graphql.arguments)
    "MarketInput",
    "MarketEventInput",
    "GeoPointInput",
    "CampaignOptionsInput",
    "CampaignDateInput",
]
#: Fields holding dates: each description names the format and the time zone.
DATE_FIELDS = [
    ("CampaignDate", name)
    for name in ("created", "updated", "opened", "closed", "open", "close", "finish", "presaleWindowStart")
] + [("MarketEvent", "date"), ("MarketEvent", "presaleDateTime")]
DESCRIBED_OPERATIONS = [
    ("Query", "viewer"),
    ("Query", "viewerPersonalData"),
    ("Mutation", "authenticate"),
    ("Mutation", "logout"),
    ("Mutation", "upsertViewerEntry"),
    ("Mutation", "setViewerDoNotSell"),
]


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


def _elements(type_name):
    graphql_type = schema.graphql_schema.get_type(type_name)
    yield type_name, type_name, graphql_type.description
    assert isinstance(graphql_type, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType))
    for field_name, field in graphql_type.fields.items():
        yield f"{type_name}.{field_name}", field_name, field.description
        for arg_name, arg in getattr(field, "args", {}).items():
            yield f"{type_name}.{field_name}({arg_name})", arg_name, arg.description


@pytest.mark.parametrize("type_name", DESCRIBED_TYPES)
def test_sign_in_types_are_fully_described(type_name):
    problems = [problem for element in _elements(type_name) for problem in _check(*element)]
    assert problems == []


@pytest.mark.parametrize(("root", "operation"), DESCRIBED_OPERATIONS)
def test_sign_in_and_registration_operations_are_described_with_their_arguments(root, operation):
    field = schema.graphql_schema.get_type(root).fields[operation]
    problems = _check(f"{root}.{operation}", operation, field.description)
    for arg_name, arg in field.args.items():
        problems += _check(f"{root}.{operation}({arg_name})", arg_name, arg.description)
    assert problems == []


@pytest.mark.parametrize(("type_name", "field_name"), DATE_FIELDS)
def test_every_date_field_names_its_format_and_time_zone(type_name, field_name):
    description = schema.graphql_schema.get_type(type_name).fields[field_name].description
    assert "ISO-8601" in description and "UTC" in description, description


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


def test_every_enum_value_is_described():
    # given every enum of the schema (introspection's own left out)
    enums = [
        graphql_type
        for name, graphql_type in schema.graphql_schema.type_map.items()
        if isinstance(graphql_type, GraphQLEnumType) and not name.startswith("__")
    ]
    # then the enum and each of its values say what they mean
    problems = []
    for enum in enums:
        problems += _check(enum.name, enum.name, enum.description)
        for value_name, value in enum.values.items():
            problems += _check(f"{enum.name}.{value_name}", value_name, value.description)
    assert len(enums) >= 14
    assert problems == []
