"""authenticate / logout / viewer: identity tokens, our JWT, cookie and header auth (catalog §3.4)."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from accounts.models import CampaignPermission, Fan, Supreme
from accounts.tokens import decode_session_token
from conftest import AUTHENTICATE, mint
from monoql.audit import AuditEntry

pytestmark = pytest.mark.django_db

VIEWER = "{ viewer { id isLoggedIn isAdmin email firstName auth { isSupreme expiresAt permissions { campaignId actions } } } }"


def test_authenticate_upserts_the_fan_and_returns_our_jwt(gql):
    # when
    before = int(time.time())
    body = gql.execute(AUTHENTICATE, {"token": mint("ann@example.com", "g-ann", given_name="Ann")})
    # then
    viewer = body["data"]["authenticate"]
    fan = Fan.objects.get()
    assert (fan.global_user_id, fan.email, fan.first_name) == ("g-ann", "ann@example.com", "Ann")
    assert viewer["id"] == fan.pk and viewer["isLoggedIn"] is True
    claims = decode_session_token(viewer["auth"]["token"])
    assert claims["sub"] == fan.pk and claims["isSupreme"] is False and claims["permissions"] == {}
    assert claims["exp"] - claims["iat"] == 30 * 60
    assert before + 1800 <= viewer["auth"]["expiresAt"] <= int(time.time()) + 1800
    cookie = body["_response"].cookies[settings.SESSION_JWT_COOKIE]
    assert cookie.value == viewer["auth"]["token"] and cookie["httponly"] is True


def test_second_sign_in_updates_the_same_fan(gql):
    gql.execute(AUTHENTICATE, {"token": mint("old@example.com", "g-1")})
    gql.execute(AUTHENTICATE, {"token": mint("new@example.com", "g-1")})
    assert list(Fan.objects.values_list("email", flat=True)) == ["new@example.com"]
    # and: each sign-in is logged as the fan's own, through GraphQL, naming the fields it changed (not their values)
    assert list(
        AuditEntry.objects.filter(action="fan.sign_in").order_by("pk").values_list("actor_kind", "channel", "changes")
    ) == [
        ("fan", "graphql", {"created": True, "updated": []}),
        ("fan", "graphql", {"created": False, "updated": ["email"]}),
    ]


def test_bearer_header_and_cookie_both_identify_the_viewer(gql, sign_in):
    token = sign_in("bea@example.com")
    by_cookie = gql.execute(VIEWER)
    gql.client.cookies.clear()
    by_header = gql.execute(VIEWER, token=token)
    anonymous = gql.execute(VIEWER)
    assert by_cookie["data"]["viewer"]["email"] == "bea@example.com"
    assert by_header["data"]["viewer"]["email"] == "bea@example.com"
    assert anonymous["data"]["viewer"] == {
        "id": None,
        "isLoggedIn": False,
        "isAdmin": False,
        "email": None,
        "firstName": None,
        "auth": None,
    }


def test_viewer_auth_argument_accepts_an_identity_token_or_our_jwt(gql):
    identity = mint("cy@example.com")
    first = gql.execute("query($t: String) { viewer(auth: {token: $t}) { email auth { token } } }", {"t": identity})
    ours = first["data"]["viewer"]["auth"]["token"]
    gql.client.cookies.clear()
    second = gql.execute("query($t: String) { viewer(auth: {token: $t}) { email } }", {"t": ours})
    assert first["data"]["viewer"]["email"] == second["data"]["viewer"]["email"] == "cy@example.com"


def _expired_session(fan_id):
    now = int(time.time())
    return jwt.encode(
        {"sub": fan_id, "iat": now - 4000, "exp": now - 2000}, settings.JWT_SIGNING_KEY, algorithm="HS256"
    )


@pytest.mark.parametrize(
    "make_token, reason",
    [
        (lambda token: token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"), "INVALID_TOKEN"),
        (lambda token: "not.a.jwt", "INVALID_TOKEN"),
        (lambda token: _expired_session(decode_session_token(token)["sub"]), "EXPIRED_TOKEN"),
        (
            lambda token: jwt.encode(
                {"sub": "x", "exp": int(time.time()) + 60}, "another-key-0123456789abcdef0123", algorithm="HS256"
            ),
            "INVALID_TOKEN",
        ),
    ],
)
def test_tampered_or_expired_session_token_is_unauthenticated(gql, sign_in, make_token, reason):
    # given
    bad = make_token(sign_in())
    gql.client.cookies.clear()
    # when
    body = gql.execute(VIEWER, token=bad)
    # then
    assert body["data"] == {"viewer": None}
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "reason": reason}


@pytest.mark.parametrize(
    "token, reason",
    [
        (lambda: mint("x@example.com", lifetime=-120), "EXPIRED_IDENTITY_TOKEN"),
        (lambda: mint("x@example.com", secret="somebody-elses-secret-0123456789abcdef"), "INVALID_IDENTITY_TOKEN"),
        (lambda: mint("x@example.com")[:-3] + "abc", "INVALID_IDENTITY_TOKEN"),
        (lambda: "garbage", "INVALID_IDENTITY_TOKEN"),
    ],
)
def test_bad_identity_token_is_unauthenticated_and_creates_nobody(gql, token, reason):
    body = gql.execute(AUTHENTICATE, {"token": token()})
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "reason": reason}
    assert Fan.objects.count() == 0


def test_missing_identity_token_names_the_field(gql):
    body = gql.execute(AUTHENTICATE, {"token": None})
    assert body["errors"][0]["extensions"] == {
        "code": "UNAUTHENTICATED",
        "reason": "INVALID_IDENTITY_TOKEN",
        "field": "token",
    }


def test_logout_clears_the_cookie(gql, sign_in):
    sign_in()
    body = gql.execute("mutation { logout }")
    assert body["data"] == {"logout": True}
    assert body["_response"].cookies[settings.SESSION_JWT_COOKIE].value == ""
    assert gql.execute(VIEWER)["data"]["viewer"]["isLoggedIn"] is False


def test_cookie_authenticated_mutation_needs_csrf(gql, sign_in, demo_campaign):
    # given: a fan signed in by cookie only
    sign_in()
    mutation = 'mutation($c: String!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: {email: "a@example.com"}) { id } }'
    # when: no CSRF token
    body = gql.execute(mutation, {"c": demo_campaign.pk})
    # then
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": "CSRF_FAILED"}
    # when: with the CSRF token from the cookie Django set
    gql.client.get("/graphql", HTTP_ACCEPT="text/html")
    csrf = gql.client.cookies["csrftoken"].value
    body = gql.execute(mutation, {"c": demo_campaign.pk}, headers={"HTTP_X_CSRFTOKEN": csrf})
    # then: the request reaches validation (the form needs more than an email)
    assert body["errors"][0]["extensions"]["reason"] == "MISSING_REQUIRED_FIELDS"


def test_supreme_and_permissions_appear_in_viewer_auth(gql, demo_campaign):
    fan = Fan.objects.create(global_user_id="g-staff", email="staff@example.com")
    CampaignPermission.objects.create(fan=fan, campaign=demo_campaign, action="read")
    CampaignPermission.objects.create(fan=fan, campaign=demo_campaign, action="write")
    token = gql.execute(AUTHENTICATE, {"token": mint("staff@example.com", "g-staff")})["data"]["authenticate"]["auth"][
        "token"
    ]
    viewer = gql.execute(VIEWER, token=token)["data"]["viewer"]
    assert viewer["isAdmin"] is True
    assert viewer["auth"]["isSupreme"] is False
    assert viewer["auth"]["permissions"] == [{"campaignId": demo_campaign.pk, "actions": ["read", "write"]}]
    Supreme.objects.create(fan=fan)
    gql.client.cookies.clear()
    assert gql.execute(VIEWER, token=token)["data"]["viewer"]["auth"]["isSupreme"] is True


def test_configured_provider_verifies_rs256_against_public_keys(gql, settings):
    # given: an RS256 identity provider configured with a public key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.IDENTITY_PROVIDER = "configured"
    settings.IDENTITY_PUBLIC_KEYS = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    good = jwt.encode(
        {"sub": "g-rsa", "email": "rsa@example.com", "exp": int(time.time()) + 60}, key, algorithm="RS256"
    )
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode({"sub": "g-evil", "exp": int(time.time()) + 60}, other, algorithm="RS256")
    hs = mint("hs@example.com")
    # when / then
    assert gql.execute(AUTHENTICATE, {"token": good})["data"]["authenticate"]["email"] == "rsa@example.com"
    assert gql.execute(AUTHENTICATE, {"token": forged})["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert gql.execute(AUTHENTICATE, {"token": hs})["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert list(Fan.objects.values_list("global_user_id", flat=True)) == ["g-rsa"]
