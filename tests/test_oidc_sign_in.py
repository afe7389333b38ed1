"""Sign-in with OpenID Connect on the fan site (issue 39, item 1), against a real provider (npm oidc-provider,
``tests/oidc_support.py``): the code flow with PKCE, the ID token's checks one by one, a key rotation, a cancelled,
a forged and an unanswered sign-in, and one person being one fan through either door."""

import html
import json
import socket
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.test import Client

from accounts.models import Fan
from accounts.oidc import forget_provider, verify_id_token
from accounts.reasons import AccountsReason
from conftest import AUTHENTICATE
from monoql.audit import AuditEntry
from monoql.errors import Unauthenticated
from tests.oidc_support import CLIENT_ID, OidcProvider, new_signing_key, oidc_provider, oidc_site, sign_in_at_provider

__all__ = ["oidc_provider", "oidc_site"]  # fixtures

SITE = "/c/metallica.localhost/"


def _start(client, locale="fr_CA"):
    response = client.get(f"{SITE}signin/start?locale={locale}")
    assert response.status_code == 302
    return response["Location"]


def _back_at(client, returned: str):
    """The fan's browser arriving at the callback URL the provider sent it to."""
    parts = urlsplit(returned)
    return client.get(f"{parts.path}?{parts.query}")


@pytest.mark.django_db
def test_a_fan_signs_in_through_the_provider_with_pkce_and_lands_on_the_registration(client, demo_campaign, oidc_site):
    # Given the fan site signing in through the provider
    # When the fan presses the sign-in button
    authorize = _start(client)

    # Then the provider is asked for a code with PKCE (S256), a state, a nonce and the fan's language
    asked = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(f"{oidc_site.issuer}/auth?")
    assert (asked["response_type"], asked["client_id"], asked["code_challenge_method"]) == (
        ["code"],
        [CLIENT_ID],
        ["S256"],
    )
    assert asked["redirect_uri"] == [f"http://testserver{SITE}signin/callback"]
    assert set(asked["scope"][0].split()) == {"openid", "email", "profile", "phone"}
    assert len(asked["state"][0]) >= 20 and len(asked["nonce"][0]) >= 20 and asked["ui_locales"] == ["fr-CA"]

    # When the fan signs in at the provider and comes back
    returned = sign_in_at_provider(authorize, "ada@example.com")
    response = _back_at(client, returned)

    # Then our session is set and the fan goes on in their language to the registration
    assert (response.status_code, response["Location"]) == (302, f"{SITE}signin?locale=fr_CA")
    assert response.cookies["monoql_session"]["httponly"]
    assert client.get(f"{SITE}signin?locale=fr_CA")["Location"] == f"{SITE}register?locale=fr_CA"
    fan = Fan.objects.get(email="ada@example.com")
    assert fan.global_user_id.startswith("oidc-")
    # And the answer cannot be used twice (the state is spent)
    again = _back_at(client, returned)
    assert again.status_code == 401
    assert "La connexion n'a pas fonctionné. Réessayez." in html.unescape(again.content.decode())


@pytest.mark.django_db
def test_one_person_is_one_fan_through_the_site_s_sign_in_and_through_authenticate(
    client, demo_campaign, oidc_site, gql, settings, tmp_path
):
    # Given a fan who signed in on the fan site through the provider
    _back_at(client, sign_in_at_provider(_start(client), "grace@example.com"))
    fan = Fan.objects.get(email="grace@example.com")
    # And a fan site of a third party verifying the same provider's tokens (IDENTITY_PROVIDER=configured)
    keys = tmp_path / "jwks.json"
    keys.write_text(json.dumps(oidc_site.public_jwks()))
    settings.IDENTITY_PROVIDER, settings.IDENTITY_JWKS_FILE = "configured", str(keys)

    # When the same person authenticates with an identity token of that provider
    token = oidc_site.id_token(sub=fan.global_user_id, email="grace@example.com")
    answer = gql.execute(AUTHENTICATE, {"token": token})

    # Then it is the same fan, not a second one
    assert answer["data"]["authenticate"]["id"] == str(fan.pk)
    assert Fan.objects.filter(email="grace@example.com").count() == 1
    # And the log says which door each sign-in came through: the site's creating the fan, then GraphQL's
    assert list(
        AuditEntry.objects.filter(action="fan.sign_in", subject_fan_id=fan.pk)
        .order_by("pk")
        .values_list("actor_kind", "actor_fan_id", "channel", "changes")
    ) == [
        ("fan", fan.pk, "site", {"created": True, "updated": []}),
        ("fan", fan.pk, "graphql", {"created": False, "updated": []}),
    ]


def _refusal(call):
    with pytest.raises(Unauthenticated) as refused:
        call()
    return refused.value.reason_member


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, reason",
    [
        ({"iss": "http://127.0.0.1:1/other-issuer"}, AccountsReason.INVALID_IDENTITY_TOKEN),
        ({"aud": "another-client"}, AccountsReason.INVALID_IDENTITY_TOKEN),
        ({"nonce": "a-replayed-nonce"}, AccountsReason.INVALID_IDENTITY_TOKEN),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, AccountsReason.EXPIRED_IDENTITY_TOKEN),
        ({"sub": None}, AccountsReason.INVALID_IDENTITY_TOKEN),
    ],
    ids=["wrong-issuer", "wrong-audience", "wrong-nonce", "expired", "no-subject"],
)
def test_an_id_token_failing_one_check_is_refused(oidc_site, change, reason):
    # Given an ID token that is right but for one claim (a None claim is left out)
    claims = {key: value for key, value in change.items() if value is not None}
    token = oidc_site.id_token(**claims)
    if change.get("sub", "") is None:
        token = _without_claim(oidc_site, "sub")
    # Then the check refuses it with the reason, and the right token passes
    assert _refusal(lambda: verify_id_token(token, nonce="the-nonce")) is reason
    assert verify_id_token(oidc_site.id_token(), nonce="the-nonce")["sub"] == "oidc-fan-1"


def _without_claim(provider, name):
    now = int(time.time())
    payload = {"iss": provider.issuer, "aud": CLIENT_ID, "sub": "x", "iat": now, "exp": now + 600, "nonce": "the-nonce"}
    payload.pop(name)
    kid = next(iter(provider.keys))
    return jwt.encode(payload, provider.keys[kid], algorithm="RS256", headers={"kid": kid})


@pytest.mark.django_db
def test_an_id_token_signed_by_a_key_the_provider_does_not_publish_is_refused(oidc_site):
    # Given a token signed by a stranger's key, under a key id the provider does not publish, and one under the
    # provider's own key id
    stranger, _ = new_signing_key("stranger")
    unknown_kid = oidc_site.id_token(kid="stranger", key=stranger)
    known_kid = oidc_site.id_token(kid=next(iter(oidc_site.keys)), key=stranger)
    # Then both are refused: the key set fetched again does not hold the first, the second's signature is wrong
    assert _refusal(lambda: verify_id_token(unknown_kid, nonce="the-nonce")) is AccountsReason.INVALID_IDENTITY_TOKEN
    assert _refusal(lambda: verify_id_token(known_kid, nonce="the-nonce")) is AccountsReason.INVALID_IDENTITY_TOKEN


@pytest.mark.django_db
def test_a_rotated_key_signs_in_without_a_restart_of_ours(settings, tmp_path):
    # Given a provider signing with key-1, whose key set our client fetched and keeps
    provider = OidcProvider(tmp_path, ["http://testserver/c/metallica.localhost/signin/callback"]).start(("key-1",))
    try:
        settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID = provider.issuer, CLIENT_ID
        forget_provider()
        assert verify_id_token(provider.id_token("key-1"), nonce="the-nonce")["sub"] == "oidc-fan-1"
        # When the provider rotates to key-2 (key-1 withdrawn)
        provider.restart(("key-2",))
        # Then a token signed by key-2 is accepted (the unknown key id fetched the set again), key-1's no longer
        assert verify_id_token(provider.id_token("key-2"), nonce="the-nonce")["sub"] == "oidc-fan-1"
        old = OidcProvider(tmp_path, []).start(("key-1",))  # a lookalike holding a key-1 the provider never had
        old.stop()
        assert (
            _refusal(lambda: verify_id_token(old.id_token("key-1", iss=provider.issuer), nonce="the-nonce"))
            is AccountsReason.INVALID_IDENTITY_TOKEN
        )
    finally:
        provider.stop()
        forget_provider()


@pytest.mark.django_db
def test_a_cancelled_sign_in_says_so_in_the_fan_s_language_and_signs_nobody_in(client, demo_campaign, oidc_site):
    fans = Fan.objects.count()
    # When the fan presses "Cancel" at the provider
    response = _back_at(client, sign_in_at_provider(_start(client, "fr_CA"), "", cancel=True))
    # Then the sign-in page says so in French, with the button to try again, and nobody is signed in
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vous avez annulé la connexion. Connectez-vous quand vous serez prêt." in page
    assert f'href="{SITE}signin/start?locale=fr_CA"' in page and "Continuer avec Example ID" in page
    assert "monoql_session" not in response.cookies
    assert Fan.objects.count() == fans


@pytest.mark.django_db
def test_an_answer_this_browser_did_not_ask_for_is_refused(client, demo_campaign, oidc_site):
    # Given a sign-in started in another browser
    other = Client()
    returned = sign_in_at_provider(_start(other, "en_US"), "mallory@example.com")
    # When its answer is opened in this browser (a login CSRF)
    response = _back_at(client, returned)
    # Then it is refused and nobody is signed in here
    assert response.status_code == 401
    assert "Sign-in did not work. Try again." in response.content.decode()
    assert "monoql_session" not in response.cookies


@pytest.mark.django_db
def test_a_provider_that_does_not_answer_is_said_plainly(client, demo_campaign, oidc_site, settings):
    # Given a provider that is down
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))  # a port nothing listens on
        settings.OIDC_ISSUER = f"http://127.0.0.1:{probe.getsockname()[1]}"
        forget_provider()
        # When the fan presses the sign-in button
        response = client.get(f"{SITE}signin/start?locale=en_US")
    # Then the sign-in page says the service is not answering (503), not an error page
    assert response.status_code == 503
    assert "The sign-in service is not answering. Try again in a few minutes." in response.content.decode()


def test_the_sign_in_routes_do_not_exist_without_a_provider(client, db, demo_campaign):
    assert client.get(f"{SITE}signin/start").status_code == 404
    assert client.get(f"{SITE}signin/callback?code=x&state=y").status_code == 404
