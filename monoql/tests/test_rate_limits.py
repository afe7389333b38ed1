"""Rate limits (issue 8 item 1): per IP anonymous, per user signed in, stricter for uploads; 429 with
``Retry-After``, ``X-RateLimit-*`` and ``extensions.code = RATE_LIMITED``; nothing written when refused."""

import pytest
from django.test import Client

from codes.models import Code
from conftest import post_multipart, session_token_for

pytestmark = pytest.mark.django_db

QUERY = "{ viewer { isLoggedIn } }"
UPLOAD = 'mutation($file: Upload!, $size: Int!, $c: String!) { uploadCodes(file: $file, fileSize: $size, campaignId: $c, type: "tm") { in } }'


@pytest.fixture(autouse=True)
def _small_limits(settings):
    # hour windows: a test never straddles a window boundary
    settings.RATE_LIMIT_ENABLED = True
    settings.RATE_LIMIT_ANON = "3/h"
    settings.RATE_LIMIT_USER = "5/h"
    settings.RATE_LIMIT_UPLOAD = "2/h"


def _ask(token=None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client().post("/graphql", {"query": QUERY}, content_type="application/json", **headers)


def test_anonymous_callers_are_limited_per_ip():
    # when
    answers = [_ask() for _ in range(4)]
    other_ip = _ask(REMOTE_ADDR="10.9.8.7")
    # then
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert all(a["X-RateLimit-Limit"] == "3" for a in answers)
    refused = answers[3]
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert refused.json()["errors"][0]["extensions"] == {
        "code": "RATE_LIMITED",
        "reason": "TOO_MANY_REQUESTS",
        "limit": "anonymous",
    }
    assert other_ip.status_code == 200


def test_signed_in_callers_have_their_own_budget(db):
    # given: the IP's anonymous budget is spent
    for _ in range(3):
        _ask()
    token = session_token_for("fan")
    # when
    answers = [_ask(token) for _ in range(6)]
    # then
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert answers[5].json()["errors"][0]["extensions"]["limit"] == "user"


def test_uploads_have_a_stricter_limit_and_a_refusal_writes_nothing(demo_campaign):
    token = session_token_for("supreme", demo_campaign)
    answers = [
        post_multipart(UPLOAD, {"size": 3, "c": demo_campaign.pk}, f"Q{n}\n".encode(), token=token) for n in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["errors"][0]["extensions"]["limit"] == "upload"
    assert sorted(Code.objects.values_list("code", flat=True)) == ["Q0", "Q1"]


def test_rest_refusal_has_the_rest_error_shape():
    answers = [Client().get("/api/codes/000000000000000000000000/count/tm") for _ in range(4)]
    assert answers[3].status_code == 429
    assert answers[3].json()["code"] == "RATE_LIMITED" and answers[3]["Retry-After"]


def test_trusted_proxy_forwarded_address_is_the_client(settings):
    settings.RATE_LIMIT_TRUSTED_PROXIES = 1
    for _ in range(3):
        assert _ask(HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 200
    assert _ask(HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert _ask(HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


def test_limits_can_be_switched_off(settings):
    settings.RATE_LIMIT_ENABLED = False
    assert [_ask().status_code for _ in range(5)] == [200] * 5
