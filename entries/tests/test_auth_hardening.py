"""Hostile tokens are refused (catalog §3.3, §3.4; issue 8 item 3): ``alg: none``, a wrong key, the wrong
issuer or audience, an expired ``exp``, our session token presented as an identity token and the reverse,
and a swapped identity cookie (``tmSig`` mismatch → ``invalidSession``) — each writes nothing."""

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from accounts.models import Fan
from accounts.tokens import decode_session_token
from conftest import AUTHENTICATE, mint
from entries.models import Entry

pytestmark = pytest.mark.django_db

VIEWER = "{ viewer { id isLoggedIn } }"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _unsigned(payload: dict) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(payload)}."


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda claims: _unsigned(claims), id="alg-none"),
        pytest.param(lambda claims: _unsigned(claims)[:-1] + "c2ln", id="alg-none-with-signature"),
        pytest.param(
            lambda claims: jwt.encode(claims, settings.JWT_SIGNING_KEY, algorithm="HS512"), id="right-key-other-alg"
        ),
        pytest.param(lambda claims: jwt.encode(claims, "x" * 40, algorithm="HS256"), id="wrong-key"),
        pytest.param(
            lambda claims: jwt.encode(
                {**claims, "exp": int(time.time()) - 5}, settings.JWT_SIGNING_KEY, algorithm="HS256"
            ),
            id="expired",
        ),
        pytest.param(lambda claims: mint("someone@example.com"), id="identity-token-as-session"),
    ],
)
def test_forged_session_tokens_are_unauthenticated(gql, sign_in, forge):
    # given a real session's claims, re-signed or altered by an attacker who wants to be supreme
    claims = {**decode_session_token(sign_in("victim@example.com")), "isSupreme": True}
    gql.client.cookies.clear()

    # when presented as the bearer token
    body = gql.execute(VIEWER, token=forge(claims))

    # then it is refused
    assert body["data"] == {"viewer": None}
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.fixture
def rsa_provider(settings, tmp_path):
    """IDENTITY_PROVIDER=configured with one RS256 key, issuer and audience; returns a minting function."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.IDENTITY_PROVIDER = "configured"
    settings.IDENTITY_PUBLIC_KEYS = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings.IDENTITY_ISSUER = "https://identity.example.com"
    settings.IDENTITY_AUDIENCE = "monoql"

    def issue(signing_key=key, algorithm="RS256", **overrides):
        payload = {
            "sub": "g-rsa",
            "email": "rsa@example.com",
            "iss": settings.IDENTITY_ISSUER,
            "aud": settings.IDENTITY_AUDIENCE,
            "exp": int(time.time()) + 300,
            **overrides,
        }
        return jwt.encode(payload, signing_key, algorithm=algorithm)

    return key, issue


def test_a_well_formed_identity_token_signs_in(gql, rsa_provider):
    _, issue = rsa_provider
    body = gql.execute(AUTHENTICATE, {"token": issue()})
    assert body["data"]["authenticate"]["isLoggedIn"] is True
    assert Fan.objects.filter(global_user_id="g-rsa").count() == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"iss": "https://evil.example.com"}, "INVALID_IDENTITY_TOKEN"),
        ({"aud": "someone-else"}, "INVALID_IDENTITY_TOKEN"),
        ({"exp": int(time.time()) - 60}, "EXPIRED_IDENTITY_TOKEN"),
        ({"other_key": True}, "INVALID_IDENTITY_TOKEN"),
        ({"alg_none": True}, "INVALID_IDENTITY_TOKEN"),
        ({"hs256_with_public_key": True}, "INVALID_IDENTITY_TOKEN"),
    ],
)
def test_hostile_identity_tokens_are_refused_and_create_nobody(gql, rsa_provider, change, reason):
    # given an identity token with one thing wrong
    key, issue = rsa_provider
    if change.get("other_key"):
        token = issue(signing_key=rsa.generate_private_key(public_exponent=65537, key_size=2048))
    elif change.get("alg_none"):
        token = _unsigned({"sub": "g-rsa", "iss": settings.IDENTITY_ISSUER, "aud": "monoql", "exp": 2**31})
    elif change.get("hs256_with_public_key"):
        token = _b64({"alg": "HS256", "typ": "JWT"}) + "." + _b64({"sub": "g-rsa", "exp": 2**31}) + ".c2ln"
    else:
        token = issue(**change)

    # when a fan site authenticates with it
    body = gql.execute(AUTHENTICATE, {"token": token})

    # then it is UNAUTHENTICATED with the reason, and nobody was created
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "reason": reason}
    assert Fan.objects.count() == 0


REGISTER = """
mutation R($c: String!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: {email: "a@example.com"}) { id } }
"""


def test_a_swapped_identity_cookie_is_an_invalid_session_and_writes_nothing(gql, demo_campaign):
    # given fan A signed in (bearer token), and the browser's identity cookie now belongs to fan B
    token_a = gql.execute(AUTHENTICATE, {"token": mint("a@example.com")})["data"]["authenticate"]
    session_a = gql.client.cookies[settings.SESSION_JWT_COOKIE].value
    gql.client.cookies.clear()
    gql.client.cookies[settings.IDENTITY_TOKEN_COOKIE] = mint("b@example.com")

    # when fan A's session registers
    body = gql.execute(REGISTER, {"c": demo_campaign.pk}, token=session_a)

    # then the session is invalid, cleared, and no entry was written
    assert token_a["isLoggedIn"] is True
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "reason": "invalidSession"}
    assert body["_response"].cookies[settings.SESSION_JWT_COOKIE].value == ""
    assert Entry.objects.count() == 0


def test_a_renewed_identity_cookie_of_the_same_fan_refreshes_the_session(gql, demo_campaign):
    # given fan A signed in and a newer identity token of the same fan in the cookie
    gql.execute(AUTHENTICATE, {"token": mint("a@example.com")})
    session_a = gql.client.cookies[settings.SESSION_JWT_COOKIE].value
    gql.client.cookies.clear()
    renewed = mint("a@example.com", lifetime=7200)
    gql.client.cookies[settings.IDENTITY_TOKEN_COOKIE] = renewed

    # when fan A registers
    body = gql.execute(REGISTER, {"c": demo_campaign.pk}, token=session_a)

    # then the request goes on (to form validation) with a session recording the new signature
    assert body["errors"][0]["extensions"]["reason"] == "MISSING_REQUIRED_FIELDS"
    refreshed = body["_response"].cookies[settings.SESSION_JWT_COOKIE].value
    assert decode_session_token(refreshed)["tmSig"] == renewed.rsplit(".", 1)[-1]
