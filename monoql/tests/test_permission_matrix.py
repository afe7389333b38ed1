"""Every query and mutation of the schema, discovered from the schema itself (a new operation fails here
until it is given an access level), called as anonymous, a fan, staff without the needed action, staff
with it, and supreme: allowed callers get past the permission check, refused ones get UNAUTHENTICATED /
FORBIDDEN and the refused call wrote nothing (no INSERT/UPDATE/DELETE, no stored file). Every staff write that
succeeds leaves exactly one audit-log row naming the caller and the door (GraphQL); one that fails leaves none."""

import os
from datetime import timedelta

import jwt
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLScalarType

from accounts.models import CampaignPermission, Fan
from campaigns.models import Campaign, CampaignLocale, CampaignStatus, Market, Promoter
from conftest import post_multipart, session_token_for
from entries.selection.models import Wave
from monoql.audit import AuditEntry
from monoql.schema import schema

pytestmark = pytest.mark.django_db

NAMESPACES = {"metrics", "codes"}  # root fields whose sub-fields are the operations

# Access level of every operation (accounts.permissions; decisions.md #4).
ACCESS = {
    # queries
    "viewer": "public",
    "identity": "public",
    "ppc": "public",
    "viewerPersonalData": "fan",
    "searchArtists": "staff",
    "searchVenues": "staff",
    "promoters": "staff",
    "searchContacts": "supreme",
    "metrics.entriesByMarketPreference": "read",
    "metrics.eligibleByMarketPreference": "read",
    "metrics.verifiedCountByMarket": "read",
    "metrics.totalSelectedByMarket": "read",
    "stats": "read",
    "campaignScoredList": "read",
    "campaignExportList": "report",
    "campaignExport": "report",
    "codes.count": "select",
    "codes.upload": "select",
    "wavePrepList": "select",
    "waveList": "select",
    # mutations
    "authenticate": "public",
    "logout": "public",
    "upsertViewerEntry": "fan",
    "setViewerDoNotSell": "fan",
    "sendPhoneConfirmationCode": "fan",
    "verifyPhoneConfirmationCode": "fan",
    "submitConfirm": "fan",
    "refreshEntryAttribute": "fan",
    "uploadImage": "staff",
    "upsertCampaign": "write",
    "upsertMarket": "write",
    "deleteMarket": "write",
    "cloneMarkets": "write",
    "saveCampaignContacts": "write",
    "uploadScored": "write",
    "uploadFanlist": "write",
    "uploadInvites": "write",
    "addTags": "write",
    "flipVerdicts": "write",
    "upsertStat": "write",
    "scheduleExport": "report",
    "uploadCodes": "select",
    "uploadWavePrepFile": "select",
    "uploadWave": "select",
    "cancelWave": "select",
    "triggerWavePrep": "select",
    "triggerSelection": "select",
    "upsertPromoter": "supreme",
    "deletePromoter": "supreme",
    "uploadBlacklist": "supreme",
}
PERMISSION_REASONS = {
    "notLoggedIn",
    "INVALID_CAMPAIGN_PERMISSIONS",
    "SUPREME_USER_REQUIRED",
    "ADMIN_REQUIRED",
    "supremeUserRequired",
}


def _operations():
    graphql_schema = schema.graphql_schema
    found = []
    for kind, root in (("query", graphql_schema.query_type), ("mutation", graphql_schema.mutation_type)):
        for name, field in root.fields.items():
            if name in NAMESPACES:
                for sub_name, sub_field in field.type.fields.items():
                    found.append((kind, f"{name}.{sub_name}", sub_field))
            else:
                found.append((kind, name, field))
    return found


OPERATIONS = _operations()


def test_every_operation_of_the_schema_has_an_access_level():
    names = {name for _, name, _ in OPERATIONS}
    assert names - set(ACCESS) == set(), "give new operations an access level in ACCESS"
    assert set(ACCESS) - names == set(), "ACCESS names operations the schema no longer has"


def test_every_operation_declares_the_access_this_table_expects():
    # given every operation's resolver as the schema runs it (an Operation field wraps it with its access)
    declared = {name: getattr(field.resolve, "access", None) for _, name, field in OPERATIONS}
    # then each declares one, at the level this test's own table expects (the table is never read from them)
    assert {name: access.level if access else None for name, access in declared.items()} == ACCESS


def _unwrap(gql_type):
    while isinstance(gql_type, (GraphQLNonNull, GraphQLList)):
        gql_type = gql_type.of_type
    return gql_type


def _value(name, gql_type, ids):
    """A plausible value for a required argument or input field."""
    if isinstance(gql_type, GraphQLNonNull):
        return _value(name, gql_type.of_type, ids)
    if isinstance(gql_type, GraphQLList):
        return [_value(name, gql_type.of_type, ids)]
    if name in ("campaignId", "fromCampaignId", "toCampaignId"):
        return ids["campaign"]
    if name in ("marketId", "marketIds"):
        return ids["market"]
    if isinstance(gql_type, GraphQLEnumType):
        return next(iter(gql_type.values))
    if isinstance(gql_type, GraphQLInputObjectType):
        value = {
            field_name: _value(field_name, field.type, ids)
            for field_name, field in gql_type.fields.items()
            if isinstance(field.type, GraphQLNonNull)
        }
        if gql_type.name == "CampaignInput":
            value.update(id=ids["campaign"], name="Renamed")
        if gql_type.name == "WaveConfigInput":
            value.update(campaignId=ids["campaign"], notifyDate="2030-01-01T00:00:00Z")
        return value
    scalar = gql_type.name if isinstance(gql_type, GraphQLScalarType) else "String"
    return {"Int": 1, "Float": 0.5, "Boolean": False, "JSON": {"email": "x@example.com"}, "Upload": None}.get(
        scalar, "x"
    )


def _document(kind, name, field, ids):
    variables, definitions, arguments, upload = {}, [], [], None
    for arg_name, arg in field.args.items():
        if not isinstance(arg.type, GraphQLNonNull) and arg_name not in ("campaignId",):
            continue
        definitions.append(f"${arg_name}: {arg.type}")
        arguments.append(f"{arg_name}: ${arg_name}")
        variables[arg_name] = _value(arg_name, arg.type, ids)
        if _unwrap(arg.type).name == "Upload":
            upload = arg_name
    selection = "" if isinstance(_unwrap(field.type), (GraphQLScalarType, GraphQLEnumType)) else " { __typename }"
    call = f"{name.split('.')[-1]}({', '.join(arguments)})" if arguments else name.split(".")[-1]
    if "." in name:
        call = f"{name.split('.')[0]} {{ {call}{selection} }}"
        selection = ""
    header = f"({', '.join(definitions)})" if definitions else ""
    for arg_name, value in VALID.get(name, lambda ids: {})(ids).items():
        if arg_name in variables:
            variables[arg_name] = value
    if upload and "fileSize" in variables:
        variables["fileSize"] = len(upload_content(name, ids))
    return f"{kind} Op{header} {{ {call}{selection} }}", variables, upload


#: A 1×1 PNG (base64), for ``uploadImage``.
PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="

#: Arguments that carry a staff write through to success on the world below (the rest stay merely plausible: a
#: validation refusal writes nothing, which the matrix checks too).
VALID = {
    "uploadCodes": lambda ids: {"type": "tm"},
    "scheduleExport": lambda ids: {"type": "entries"},
    "uploadWavePrepFile": lambda ids: {"type": "markets"},
    "addTags": lambda ids: {"targetField": "email", "fileRecords": ["x@example.com"]},
    "deletePromoter": lambda ids: {"promoterId": ids["promoter"]} if "promoter" in ids else {},
    "uploadImage": lambda ids: {"base64": PIXEL, "contentType": "image/png"},
    "saveCampaignContacts": lambda ids: {"contacts": [{"name": "Box office", "email": "box@example.com"}]},
    "upsertMarket": lambda ids: {
        "market": {
            "campaignId": ids["campaign"],
            "name": "New",
            "city": "C",
            "state": "S",
            "timezone": "UTC",
            "event": {"id": "E1"},
        }
    },
    "cancelWave": lambda ids: {"fileName": "scheduled.csv"},
}


def upload_content(name: str, ids) -> bytes:
    """The file a multipart operation sends: one its service accepts where the world allows it."""
    return {
        "uploadWavePrepFile": f"market_id,limit\n{ids['market']},5\n".encode(),
        "uploadScored": b"memberId,score\nm-1,0.5\n",
        "uploadBlacklist": b"email\nblocked@example.com\n",
        "uploadInvites": b"email\ninvited@example.com\n",
    }.get(name, b"code\nA1\n")


@pytest.fixture
def world():
    campaign = Campaign.objects.create(
        name="Matrix Tour", status=CampaignStatus.CLOSED, options={"gate": {"inviteOnly": "email"}}
    )
    CampaignLocale.objects.create(campaign=campaign, locale="en_US", is_default=True, content={})
    market = Market.objects.create(campaign=campaign, name="M", city="C", state="S", timezone="UTC")
    other = Campaign.objects.create(name="Other Tour")
    promoter = Promoter.objects.create(name="Promoter")
    notify = timezone.now() + timedelta(days=2)
    Wave.objects.create(
        campaign=campaign,
        name=f"{campaign.pk}_scheduled",
        date_notify=notify,
        date_begin=notify - timedelta(days=1),
        date_end=notify + timedelta(days=365),
    )
    return {"campaign": campaign.pk, "market": market.pk, "other": other, "promoter": promoter.pk}


def _token(level, allowed, world):
    """The caller for a level: ``allowed`` True → staff with what the level needs; False → just without."""
    campaign = Campaign.objects.get(pk=world["campaign"])
    if level in ("read", "write", "report", "select"):
        if allowed:
            return session_token_for(
                {"read": "reader", "write": "writer", "report": "reporter", "select": "selector"}[level], campaign
            )
        if level == "read":
            return session_token_for("reader", world["other"])  # staff of another campaign
        return session_token_for("reader", campaign)  # read only
    if level == "supreme":
        fan, _ = Fan.objects.get_or_create(global_user_id="g-all-actions", defaults={"email": "all@example.com"})
        for action in ("read", "write", "report", "select", "invite"):
            CampaignPermission.objects.get_or_create(fan=fan, campaign=campaign, action=action)
        from accounts.tokens import issue_session_token

        return issue_session_token(fan.pk, is_supreme=False, permissions={}, tm_sig="").token
    if level == "staff":
        return session_token_for("reader", campaign)
    return session_token_for("fan")


def _callers(level):
    """``[(role, allowed)]`` for a level: anonymous, fan, staff without, staff with, supreme."""
    if level == "public":
        return [("anonymous", True), ("fan", True), ("supreme", True)]
    if level == "fan":
        return [("anonymous", False), ("fan", True), ("supreme", True)]
    if level == "staff":
        return [("anonymous", False), ("fan", False), ("staff-with", True), ("supreme", True)]
    if level == "supreme":
        return [("anonymous", False), ("fan", False), ("staff-without", False), ("supreme", True)]
    return [("anonymous", False), ("fan", False), ("staff-without", False), ("staff-with", True), ("supreme", True)]


def _files():
    root = django_settings.MEDIA_ROOT
    return sorted(os.path.join(d, f) for d, _, files in os.walk(root) for f in files) if os.path.isdir(root) else []


CASES = [
    (kind, name, role, allowed)
    for kind, name, field in OPERATIONS
    for role, allowed in _callers(ACCESS.get(name, "supreme"))
]


@pytest.mark.parametrize(("kind", "name", "role", "allowed"), CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_permission_matrix(gql, world, kind, name, role, allowed):
    # given a caller of that role
    field = next(f for k, n, f in OPERATIONS if n == name)
    level = ACCESS[name]
    token = {
        "anonymous": lambda: None,
        "fan": lambda: session_token_for("fan"),
        "supreme": lambda: session_token_for("supreme"),
        "staff-with": lambda: _token(level, True, world),
        "staff-without": lambda: _token(level, False, world),
    }[role]()
    document, variables, upload = _document(kind, name, field, world)
    files_before = _files()

    # when it calls the operation
    with CaptureQueriesContext(connection) as queries:
        if upload:
            content = upload_content(name, world)
            body = post_multipart(document, variables, content, token=token, file_variable=upload).json()
        else:
            body = gql.execute(document, variables, token=token)

    # then allowed callers pass the permission check; refused ones are refused and wrote nothing
    errors = body.get("errors") or []
    _check_audit(kind, level, token, errors)
    refusals = [e for e in errors if e["extensions"].get("reason") in PERMISSION_REASONS]
    assert all(e["extensions"]["code"] != "INTERNAL_ERROR" for e in errors), body
    if allowed:
        assert refusals == [], body
    else:
        assert refusals, body
        assert refusals[0]["extensions"]["code"] == ("UNAUTHENTICATED" if role == "anonymous" else "FORBIDDEN")
        writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        assert writes == []
        assert _files() == files_before


#: Access levels whose mutations are staff writes (each leaves one audit-log row).
STAFF_LEVELS = {"staff", "supreme", "read", "write", "report", "select"}


def _check_audit(kind, level, token, errors):
    """A staff mutation: exactly one audit row by the caller through GraphQL when it succeeded, none when it
    failed; anything else (queries, fans' own writes, refusals): no staff row."""
    rows = list(AuditEntry.objects.all())
    if kind != "mutation" or level not in STAFF_LEVELS or token is None:
        assert [row for row in rows if row.actor_kind == "staff"] == []
        return
    if errors:
        assert rows == [], [(row.action, row.changes) for row in rows]
        return
    fan_id = jwt.decode(token, options={"verify_signature": False})["sub"]
    assert [(row.actor_kind, row.channel, row.actor_fan_id) for row in rows] == [("staff", "graphql", fan_id)]
    assert rows[0].actor_label == Fan.objects.get(pk=fan_id).email


def test_the_matrix_reaches_staff_writes_that_succeed(gql, world):
    """The audit check above is not vacuous: the plausible arguments carry most staff writes through to success."""
    # given a supreme caller
    token = session_token_for("supreme")
    succeeded = []
    for kind, name, field in OPERATIONS:
        if kind != "mutation" or ACCESS[name] not in STAFF_LEVELS:
            continue
        document, variables, upload = _document(kind, name, field, world)
        # when it calls every staff mutation
        if upload:
            content = upload_content(name, world)
            body = post_multipart(document, variables, content, token=token, file_variable=upload).json()
        else:
            body = gql.execute(document, variables, token=token)
        if not body.get("errors"):
            succeeded.append(name)
    # then these succeed (and so were checked for exactly one audit row each)
    assert sorted(succeeded) == sorted(SUCCEEDING)


#: The staff writes that succeed on the matrix's world. ``uploadWave`` (needs its recipients file),
#: ``triggerSelection`` (needs a finished wave prep), ``uploadFanlist`` (a fanlist campaign) and ``cloneMarkets``
#: (two campaigns) are carried to success in ``test_audit_log.py``.
SUCCEEDING = [
    "uploadCodes",
    "scheduleExport",
    "uploadWavePrepFile",
    "cancelWave",
    "triggerWavePrep",
    "uploadScored",
    "uploadBlacklist",
    "uploadInvites",
    "addTags",
    "flipVerdicts",
    "upsertStat",
    "upsertPromoter",
    "deletePromoter",
    "uploadImage",
    "saveCampaignContacts",
    "deleteMarket",
    "upsertMarket",
    "upsertCampaign",
]
