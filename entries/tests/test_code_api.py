"""Code REST endpoints: permission table, catalog §4.4 errors over HTTP, storage upload, Idempotency-Key."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from rest_framework.test import APIClient

from codes.models import Code
from codes.services.inventory import Actor
from codes.services.upload import upload_codes
from conftest import session_token_for

pytestmark = pytest.mark.django_db


def api(token=None):
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def stocked(demo_campaign, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    upload_codes(demo_campaign.pk, "tm", io.BytesIO(b"A1\nA2\nA3\nA4\n"), actor=Actor(label="setup"))
    return demo_campaign


def _snapshot():
    return list(Code.objects.order_by("code").values_list("code", "date_reserved", "date_assigned"))


CALLS = {
    "reserve": lambda c, cid: c.get(f"/api/codes/{cid}/reserve", {"count": 2, "type": "tm"}),
    "assign": lambda c, cid: c.post(f"/api/codes/{cid}/assign", {"codes": ["A1"]}, format="json"),
    "release": lambda c, cid: c.post(f"/api/codes/{cid}/release", {"codes": ["A1"]}, format="json"),
    "count": lambda c, cid: c.get(f"/api/codes/{cid}/codes/count", {"type": "tm"}),
    "upload": lambda c, cid: c.post(f"/api/codes/{cid}/codes", {"fileKey": f"codes/{cid}/tm/more.csv"}, format="json"),
}


@pytest.mark.parametrize("action", sorted(CALLS))
@pytest.mark.parametrize(
    "role, status, reason",
    [
        ("anonymous", 401, "notLoggedIn"),
        ("fan", 403, "supremeUserRequired"),
        ("reader", 403, "supremeUserRequired"),
        ("selector", 200, None),
        ("supreme", 200, None),
    ],
)
def test_permission_table(stocked, action, role, status, reason):
    # given
    default_storage.save(f"codes/{stocked.pk}/tm/more.csv", ContentFile(b"B1\nB2\n"))
    before = _snapshot()
    # when
    response = CALLS[action](api(session_token_for(role, stocked)), stocked.pk)
    # then
    assert response.status_code == status, response.content
    if reason:
        assert response.json()["reason"] == reason
        assert _snapshot() == before


def test_bad_token_is_401(stocked):
    response = api("not-a-token").get(f"/api/codes/{stocked.pk}/codes/count", {"type": "tm"})
    assert response.status_code == 401
    assert response.json() == {
        "status": 401,
        "message": "The session token is not valid.",
        "code": "UNAUTHENTICATED",
        "reason": "INVALID_TOKEN",
    }


@pytest.mark.parametrize(
    "call, status, reason",
    [
        (lambda c, cid: c.get(f"/api/codes/{cid}/reserve", {"type": "tm"}), 400, "missingCodeReserveParams"),
        (lambda c, cid: c.get(f"/api/codes/{cid}/reserve", {"count": "-1", "type": "tm"}), 400, "invalidCount"),
        (lambda c, cid: c.get(f"/api/codes/{cid}/reserve", {"count": "1", "type": "vip"}), 400, "InvalidType"),
        (lambda c, cid: c.get(f"/api/codes/{cid}/codes/count"), 400, "missingType"),
        (lambda c, cid: c.get(f"/api/codes/{cid}/codes/count", {"type": "vip"}), 400, "InvalidType"),
        (lambda c, cid: c.get(f"/api/codes/{cid}/codes/count", {"type": "tm", "status": "gone"}), 400, "InvalidStatus"),
        (lambda c, cid: c.post(f"/api/codes/{cid}/assign", {}, format="json"), 400, "missingCodes"),
        (lambda c, cid: c.post(f"/api/codes/{cid}/assign", {"codes": "A1"}, format="json"), 400, "invalidCodesProp"),
        (lambda c, cid: c.post(f"/api/codes/{cid}/release", {"codes": []}, format="json"), 400, "emptyCodes"),
        (
            lambda c, cid: c.post(f"/api/codes/{cid}/assign", {"codes": ["A1"], "entryId": 999999}, format="json"),
            404,
            "ENTRY_NOT_FOUND",
        ),
        (
            lambda c, cid: c.post(f"/api/codes/{cid}/codes", {"fileKey": "uploads/x.csv"}, format="json"),
            400,
            "invalidFileKey",
        ),
        (
            lambda c, cid: c.post(f"/api/codes/{cid}/codes", {"fileKey": "codes/someone-else/tm/x.csv"}, format="json"),
            400,
            "invalidFileKey",
        ),
        (lambda c, cid: c.post(f"/api/codes/{cid}/codes", {}, format="json"), 400, "invalidFileKey"),
        (
            lambda c, cid: c.post(f"/api/codes/{cid}/codes", {"fileKey": f"codes/{cid}/vip/x.csv"}, format="json"),
            404,
            "FILE_NOT_FOUND",
        ),
        (
            lambda c, cid: c.post(f"/api/codes/{cid}/codes", {"fileKey": f"codes/{cid}/tm/absent.csv"}, format="json"),
            404,
            "FILE_NOT_FOUND",
        ),
        (
            lambda c, cid: c.post(f"/api/codes/{cid}/assign", "{not json", content_type="application/json"),
            400,
            "INVALID_JSON",
        ),
    ],
)
def test_errors_over_http(stocked, call, status, reason):
    before = _snapshot()
    response = call(api(session_token_for("supreme", stocked)), stocked.pk)
    assert response.status_code == status, response.content
    assert response.json()["reason"] == reason
    assert _snapshot() == before


def test_upload_from_storage_takes_type_from_the_key(stocked):
    default_storage.save(f"codes/{stocked.pk}/external/batch-1.csv", ContentFile(b"code\r\nX1\r\nX2\r\nA1\r\n"))
    response = api(session_token_for("supreme", stocked)).post(
        f"/api/codes/{stocked.pk}/codes", {"fileKey": f"codes/{stocked.pk}/external/batch-1.csv"}, format="json"
    )
    assert response.json() == {"in": 3, "inserted": 2, "updated": 1}
    assert Code.objects.get(code="X1").type == "external"


def test_reserve_assign_release_count_round_trip(stocked):
    client = api(session_token_for("selector", stocked))
    reservation = client.get(f"/api/codes/{stocked.pk}/reserve", {"count": 3, "type": "tm"}).json()
    assert (
        reservation["count"] == 3 and reservation["codes"] == ["A1", "A2", "A3"] and len(reservation["reserveId"]) == 36
    )
    assert client.post(f"/api/codes/{stocked.pk}/assign", {"codes": ["A1"]}, format="json").json() == {
        "count": {"in": 1, "updated": 1}
    }
    assert client.post(f"/api/codes/{stocked.pk}/release", {"codes": ["A2"]}, format="json").json() == {
        "count": {"in": 1, "updated": 1}
    }
    assert client.get(f"/api/codes/{stocked.pk}/codes/count", {"type": "tm"}).json() == {
        "available": 2,
        "assigned": 1,
        "reserved": 1,
    }
    assert client.get(f"/api/codes/{stocked.pk}/codes/count", {"type": "tm", "status": "reserved"}).json() == {
        "reserved": 1
    }


def test_idempotency_key_returns_the_first_answer(stocked):
    client = api(session_token_for("supreme", stocked))
    first = client.get(
        f"/api/codes/{stocked.pk}/reserve", {"count": 2, "type": "tm"}, HTTP_IDEMPOTENCY_KEY="abc"
    ).json()
    retry = client.get(
        f"/api/codes/{stocked.pk}/reserve", {"count": 2, "type": "tm"}, HTTP_IDEMPOTENCY_KEY="abc"
    ).json()
    assign1 = client.post(
        f"/api/codes/{stocked.pk}/assign", {"codes": ["A1"]}, format="json", HTTP_IDEMPOTENCY_KEY="z"
    ).json()
    assign2 = client.post(
        f"/api/codes/{stocked.pk}/assign", {"codes": ["A1"]}, format="json", HTTP_IDEMPOTENCY_KEY="z"
    ).json()
    assert retry == first and assign1 == assign2 == {"count": {"in": 1, "updated": 1}}
    assert Code.objects.filter(date_reserved__isnull=False).count() == 2


def test_assign_to_an_entry_records_the_fan(stocked, gql, sign_in):
    token = sign_in("winner@example.com")
    market = stocked.markets.first().pk
    gql.execute(
        'mutation($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { id } }',
        {"c": stocked.pk, "e": {"email": "winner@example.com", "phone": "+12125550111", "market": market}},
        token=token,
    )
    from entries.models import Entry

    entry = Entry.objects.get()
    api(session_token_for("supreme", stocked)).post(
        f"/api/codes/{stocked.pk}/assign", {"codes": ["A4"], "entryId": entry.pk}, format="json"
    )
    code = Code.objects.get(code="A4")
    assert (code.entry_id, code.fan_id) == (entry.pk, entry.fan_id)


def test_openapi_schema_lists_the_code_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert sorted(p for p in schema["paths"] if p.startswith("/api/codes/")) == [
        "/api/codes/{campaign_id}/assign",
        "/api/codes/{campaign_id}/codes",
        "/api/codes/{campaign_id}/codes/count",
        "/api/codes/{campaign_id}/release",
        "/api/codes/{campaign_id}/reserve",
    ]
    assert schema["components"]["securitySchemes"]["bearerJWT"]["scheme"] == "bearer"
