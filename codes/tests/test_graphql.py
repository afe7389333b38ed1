"""GraphQL doors to the inventory: multipart ``uploadCodes`` exactly as a client sends it, ``codes.count``."""

import pytest
from django.test import Client

from codes.models import Code
from conftest import post_multipart, session_token_for

pytestmark = pytest.mark.django_db

UPLOAD = "mutation upload($file: Upload!, $size: Int!, $c: String!, $t: String!) { uploadCodes(file: $file, fileSize: $size, campaignId: $c, type: $t) { in inserted updated } }"


def multipart(token, campaign_id, content: bytes, code_type="tm", name="codes.csv"):
    """POST /graphql as multipart/form-data per the GraphQL multipart request spec."""
    variables = {"size": len(content), "c": campaign_id, "t": code_type}
    return post_multipart(UPLOAD, variables, content, token=token, name=name)


def test_multipart_upload_as_a_client_sends_it(demo_campaign):
    response = multipart(session_token_for("supreme", demo_campaign), demo_campaign.pk, b"code\r\nQ1\r\nQ2\r\nQ2\r\n")
    assert response.status_code == 200
    assert response.json() == {"data": {"uploadCodes": {"in": 3, "inserted": 2, "updated": 0}}}
    assert sorted(Code.objects.values_list("code", flat=True)) == ["Q1", "Q2"]


@pytest.mark.parametrize(
    "role, code, reason",
    [(None, "UNAUTHENTICATED", "notLoggedIn"), ("fan", "FORBIDDEN", "supremeUserRequired")],
)
def test_upload_permission_denied_stores_nothing(demo_campaign, role, code, reason):
    token = session_token_for(role, demo_campaign) if role else None
    body = multipart(token, demo_campaign.pk, b"Q1\n").json()
    assert body["errors"][0]["extensions"] == {"code": code, "reason": reason}
    assert Code.objects.count() == 0


def test_upload_errors_are_validation_errors(demo_campaign):
    token = session_token_for("selector", demo_campaign)
    binary = multipart(token, demo_campaign.pk, b"\x00\x01\x02").json()
    bad_type = multipart(token, demo_campaign.pk, b"Q1\n", code_type="presale").json()
    bad_line = multipart(token, demo_campaign.pk, b"Q1\nQ 2\n").json()
    assert binary["errors"][0]["extensions"] == {"code": "VALIDATION_ERROR", "reason": "NOT_TEXT", "field": "file"}
    assert bad_type["errors"][0]["extensions"] == {"code": "VALIDATION_ERROR", "reason": "InvalidType", "field": "type"}
    assert bad_line["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "INVALID_CODE",
        "field": "file",
        "line": 2,
    }
    assert Code.objects.count() == 0


def test_malformed_multipart_is_a_400(demo_campaign):
    response = Client().post("/graphql", data={"operations": "{not json", "map": "{}"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"


COUNT = 'query($c: ID!) { codes { count(campaignId: $c, type: "tm") { available assigned reserved } } }'


@pytest.mark.parametrize("role, allowed", [("fan", False), ("selector", True), ("supreme", True)])
def test_codes_count_permission(demo_campaign, gql, role, allowed):
    loader = session_token_for("supreme", demo_campaign)
    multipart(loader, demo_campaign.pk, b"Q1\nQ2\n")
    body = gql.execute(
        COUNT, {"c": demo_campaign.pk}, token=session_token_for(role, demo_campaign) if role != "supreme" else loader
    )
    if allowed:
        assert body["data"] == {"codes": {"count": {"available": 2, "assigned": 0, "reserved": 0}}}
    else:
        assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": "supremeUserRequired"}
