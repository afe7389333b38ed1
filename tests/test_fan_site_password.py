"""A password-protected presale on the fan site (issue 39 item 2): the page asks for the password before showing
anything of the campaign, in the fan's language; the right one is remembered for the browser, a wrong one asks
again, and tries are limited per address and per fan."""

import html

import pytest
from django.test import Client

from campaigns.cache import bump_generation
from campaigns.models import Campaign

BASE = "/c/metallica.localhost/"
NAME = "Metallica - WorldWired Tour 2017"


@pytest.fixture
def protected(demo_campaign):
    options = {**(demo_campaign.options or {}), "requirePassword": True, "passwordValue": "open-sesame"}
    Campaign.objects.filter(pk=demo_campaign.pk).update(options=options)
    bump_generation()
    return demo_campaign


@pytest.mark.django_db
def test_the_password_page_shows_nothing_of_the_campaign_then_the_right_password_opens_it(protected):
    # given a browser that never gave the password
    browser = Client()
    # when it opens the landing page, and a step of it
    landing = browser.get(BASE)
    register = browser.get(f"{BASE}register")
    # then both ask for the password, and nothing of the campaign is on them
    for page in (landing, register):
        text = page.content.decode()
        assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
        assert "This presale is protected" in text and 'name="password"' in text
        assert NAME not in text and "Metallica" not in text
    # when a wrong password is sent, then the form comes back with the error, still nothing of the campaign
    wrong = browser.post(f"{BASE}password", {"password": "guess"})
    assert wrong.status_code == 403
    assert "That password is not right." in wrong.content.decode() and "Metallica" not in wrong.content.decode()
    # when the right one is sent, then the fan goes to the page and the browser remembers it
    right = browser.post(f"{BASE}password", {"password": "open-sesame"})
    assert (right.status_code, right["Location"]) == (302, BASE)
    cookie = right.cookies["monoql_campaign_passwords"]
    assert cookie["httponly"] and "open-sesame" not in cookie.value
    opened = browser.get(BASE)
    assert NAME in opened.content.decode() and opened["Cache-Control"] == "private, no-store"
    # and a browser without it is still asked (the opened page never went into the shared cache)
    assert "Metallica" not in Client().get(BASE).content.decode()


@pytest.mark.django_db
def test_the_password_page_speaks_the_fans_language(protected):
    page = Client(HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9").get(BASE).content.decode()
    assert '<html lang="fr">' in page or '<html lang="fr-CA">' in page
    assert "Cette prévente est protégée" in page and "Mot de passe de la prévente" in page
    wrong = html.unescape(Client().post(f"{BASE}password?locale=fr_CA", {"password": "x"}).content.decode())
    assert "Ce mot de passe n'est pas le bon." in wrong


@pytest.mark.django_db
def test_tries_are_limited_per_address_and_per_fan(protected, settings, sign_in):
    settings.CAMPAIGN_PASSWORD_ATTEMPTS = 3
    # given three wrong tries from one address
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert guesser.post(f"{BASE}password", {"password": "guess"}).status_code == 403
    # when it tries again, even with the right password, then it must wait (the password is not even read)
    locked = guesser.post(f"{BASE}password", {"password": "open-sesame"})
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert "Too many tries. Wait" in locked.content.decode()
    assert "monoql_campaign_passwords" not in locked.cookies
    # and another address is not held back by it
    assert Client(REMOTE_ADDR="198.51.100.9").post(f"{BASE}password", {"password": "open-sesame"}).status_code == 302
    # when one signed-in fan spends their tries from three addresses, then a fourth address is refused for them
    token = sign_in("guesser@example.com")
    for n in range(3):
        fan = Client(REMOTE_ADDR=f"192.0.2.{n + 1}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert fan.post(f"{BASE}password", {"password": "guess"}).status_code == 403
    fourth = Client(REMOTE_ADDR="192.0.2.99", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert fourth.post(f"{BASE}password", {"password": "open-sesame"}).status_code == 429
