"""An invite-only presale on the fan site (issue 39 item 2): the page says it is by invitation before a fan signs
in, and tells a signed-in fan who is not on the list which address is not on it and what to do, in their
language; an invited fan registers as usual."""

import html

import pytest
from django.conf import settings
from django.test import Client

from campaigns.cache import bump_generation
from conftest import TEST_ACTOR
from entries.services.invites import add_invites

BASE = "/c/metallica.localhost/"


@pytest.fixture
def invite_only(demo_campaign):
    demo_campaign.options = {**(demo_campaign.options or {}), "gate": {"inviteOnly": "email"}}
    demo_campaign.save()
    bump_generation()
    return demo_campaign


def _browser(token: str) -> Client:
    browser = Client()
    browser.cookies[settings.SESSION_JWT_COOKIE] = token
    return browser


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_an_uninvited_fan_is_told_which_address_is_not_on_the_list(invite_only, sign_in):
    # given an anonymous visitor, then the landing page says the presale is by invitation before any sign-in
    anonymous = _text(Client().get(BASE))
    assert (
        "This presale is by invitation only: sign in with the email address your invitation was sent to." in anonymous
    )
    # given a signed-in fan whose address is not on the list
    browser = _browser(sign_in("stranger@example.com"))
    # when they open the landing page and the registration step
    landing, register = _text(browser.get(BASE)), _text(browser.get(f"{BASE}register"))
    # then both name their address and say what to do, and the landing page offers no registration
    told = "stranger@example.com is not on this presale's invitation list. If your invitation went to another address"
    assert told in landing and told in register
    assert 'id="not-invited"' in landing and "Register now" not in landing
    # and in French
    french = _text(browser.get(f"{BASE}?locale=fr_CA"))
    assert "stranger@example.com ne figure pas sur la liste d'invitation de cette prévente." in french


@pytest.mark.django_db
def test_an_invited_fan_registers_as_usual(invite_only, sign_in):
    add_invites(campaign_id=invite_only.pk, identifier_type="email", values=["Guest@example.com"], actor=TEST_ACTOR)
    landing = _text(_browser(sign_in("guest@example.com")).get(BASE))
    assert "Register now" in landing and 'id="not-invited"' not in landing
