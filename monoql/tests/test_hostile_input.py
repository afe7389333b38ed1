"""Hostile input to every operation (hypothesis): wrong types, huge strings, odd Unicode, deeply nested JSON
scalars, and malformed bodies. Never a 500, never a stack trace in the answer, never INTERNAL_ERROR, and a
refused call writes nothing. Sent as a supreme user, so every input reaches the deepest code."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import post_multipart, session_token_for
from monoql.tests.test_permission_matrix import OPERATIONS, _document, _unwrap

pytestmark = pytest.mark.django_db

ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.sampled_from(
        ["", " ", "\x00", "\u202e\u0645", "💥" * 50, "' OR 1=1 --", "../../etc/passwd", "a" * 100_000, "%s%n", "null"]
    ),
)
SCALARS = st.one_of(
    ODD_TEXT,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)


def _nested(depth):
    value = {"k": "v"}
    for _ in range(depth):
        value = {"k": [value]}
    return value


HOSTILE = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=5),
    st.dictionaries(st.text(max_size=10), SCALARS, max_size=5),
    st.integers(min_value=10, max_value=60).map(_nested),
)
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMIT_ENABLED = False


@pytest.fixture
def ids():
    from campaigns.models import Campaign, CampaignStatus, Market

    campaign = Campaign.objects.create(name="Hostile Tour", status=CampaignStatus.OPEN)
    market = Market.objects.create(campaign=campaign, name="M", city="C", state="S", timezone="UTC")
    return {"campaign": campaign.pk, "market": market.pk}


def _assert_clean(response_status, text):
    assert response_status != 500, text[:500]
    assert "Traceback" not in text and 'File "' not in text, text[:500]


@pytest.mark.parametrize(("kind", "name", "field"), OPERATIONS, ids=[name for _, name, _ in OPERATIONS])
@settings(max_examples=15, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_variables_never_break_an_operation(gql, ids, kind, name, field, data):
    # given an operation's document with every required argument replaced by hostile values
    document, variables, upload = _document(kind, name, field, ids)
    for arg_name in list(variables):
        if arg_name != upload and data.draw(st.booleans(), label=f"replace {arg_name}"):
            variables[arg_name] = data.draw(HOSTILE, label=arg_name)
    token = session_token_for("supreme")

    # when sent
    with CaptureQueriesContext(connection) as queries:
        if upload:
            content = data.draw(st.binary(max_size=200), label="file")
            response = post_multipart(document, variables, content, token=token, file_variable=upload)
        else:
            response = gql.execute(document, variables, token=token)["_response"]

    # then no 500, no stack trace, no INTERNAL_ERROR, and a refused call wrote nothing
    text = response.content.decode("utf-8", "replace")
    _assert_clean(response.status_code, text)
    body = json.loads(text)
    errors = body.get("errors") or []
    assert all(error["extensions"]["code"] != "INTERNAL_ERROR" for error in errors), errors
    if errors and not any((body.get("data") or {}).values()):
        writes = [q["sql"][:80] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
        assert writes == [], (errors, writes)


@settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.recursive(
            st.none() | st.integers() | st.text(max_size=5),
            lambda inner: st.lists(inner) | st.dictionaries(st.text(max_size=5), inner),
            max_leaves=20,
        ).map(lambda v: json.dumps(v).encode()),
        st.sampled_from(
            [
                b"[" * 5000,
                b'{"query": ' * 3000,
                b'{"query": null}',
                b'{"query": 5}',
                b'{"query": "{", "variables": "x"}',
            ]
        ),
    ),
    content_type=st.sampled_from(
        ["application/json", "application/graphql", "text/plain", "multipart/form-data; boundary=x"]
    ),
)
def test_malformed_bodies_are_400_not_500(body, content_type):
    response = Client().post("/graphql", data=body, content_type=content_type)
    text = response.content.decode("utf-8", "replace")
    _assert_clean(response.status_code, text)
    assert response.status_code in (200, 400, 413), (response.status_code, text[:300])
    if response["Content-Type"].startswith("application/json"):
        payload = json.loads(text)
        assert all(e["extensions"]["code"] != "INTERNAL_ERROR" for e in payload.get("errors") or []), payload


def test_every_upload_operation_is_covered():
    assert {
        name for _, name, field in OPERATIONS if any(_unwrap(a.type).name == "Upload" for a in field.args.values())
    } == {
        "uploadCodes",
        "uploadWavePrepFile",
        "uploadWave",
        "uploadScored",
        "uploadBlacklist",
        "uploadFanlist",
        "uploadInvites",
    }
