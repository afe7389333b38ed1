"""One client address (issue 33 point 5): forwarded headers honoured only from configured proxies, sign-ins limited
per address and per account, fan-site pages limited like the API, signing keys loaded once per process."""

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import Client, RequestFactory

from accounts import identity, tokens
from accounts.ratelimits import client_ip
from conftest import AUTHENTICATE, mint
from monoql.tests.test_deploy import _rsa_pair

pytestmark = pytest.mark.django_db


def _request(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/graphql", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize(
    "remote, forwarded, client",
    [
        ("10.0.0.5", "203.0.113.7", "203.0.113.7"),  # through the load balancer: the fan's address
        ("10.0.0.5", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # a spoofed entry before the real one is ignored
        ("10.0.0.5", "203.0.113.7, 10.0.0.9", "203.0.113.7"),  # two proxies of the list
        ("198.51.100.66", "203.0.113.7", "198.51.100.66"),  # gunicorn reached directly: the header is not believed
        ("10.0.0.5", None, "10.0.0.5"),
    ],
)
def test_forwarded_addresses_are_believed_only_from_listed_proxies(settings, remote, forwarded, client):
    settings.RATE_LIMIT_TRUSTED_PROXY_ADDRESSES = ["10.0.0.0/8"]
    settings.RATE_LIMIT_TRUSTED_PROXIES = 1  # the allowlist wins over the count
    assert client_ip(_request(remote, forwarded)) == client


def _sign_in(email, address):
    return Client().post(
        "/graphql",
        {"query": AUTHENTICATE, "variables": {"token": mint(email)}},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def test_sign_ins_are_limited_per_address_without_spending_other_fans_budget(settings):
    """Issue 33: a bot used up everyone's sign-in budget behind one shared address."""
    settings.RATE_LIMIT_SIGN_IN, settings.RATE_LIMIT_SIGN_IN_ACCOUNT = "3/m", "100/m"
    answers = [_sign_in(f"bot{n}@example.com", "203.0.113.66").json() for n in range(4)]
    fan = _sign_in("fan@example.com", "203.0.113.7").json()
    assert ["errors" in answer for answer in answers] == [False, False, False, True]
    error = answers[3]["errors"][0]["extensions"]
    assert (error["code"], error["reason"], error["limit"]) == ("RATE_LIMITED", "TOO_MANY_SIGN_INS", "signInAddress")
    assert "errors" not in fan, fan


def test_sign_ins_of_one_account_are_limited_from_any_address(settings):
    settings.RATE_LIMIT_SIGN_IN, settings.RATE_LIMIT_SIGN_IN_ACCOUNT = "100/m", "2/m"
    answers = [_sign_in("target@example.com", f"203.0.113.{n}").json() for n in range(1, 4)]
    assert ["errors" in answer for answer in answers] == [False, False, True]
    assert answers[2]["errors"][0]["extensions"]["limit"] == "signInAccount"


def test_fan_site_pages_are_limited_like_the_api(settings, demo_campaign):
    settings.RATE_LIMIT_ANON = "2/h"
    site = Client(HTTP_HOST=demo_campaign.domain_site)
    statuses = [site.get("/", REMOTE_ADDR="203.0.113.9").status_code for _ in range(3)]
    refused = site.get("/", REMOTE_ADDR="203.0.113.9")
    assert statuses == [200, 200, 429]
    assert refused["Retry-After"] and "Too many requests" in refused.content.decode()
    assert refused["Content-Type"].startswith("text/html")
    assert site.get("/", REMOTE_ADDR="203.0.113.10").status_code == 200


def test_signing_and_identity_keys_are_parsed_once_per_process(settings, count_calls):
    """Issue 33: each sign-in spent 33 ms of CPU re-parsing the signing key (0.3 ms loaded once)."""
    private, public = _rsa_pair()
    settings.JWT_PRIVATE_KEY, settings.JWT_PUBLIC_KEY = private, public
    tokens._private_key.cache_clear()
    identity._provider.cache_clear()
    parsed = count_calls(serialization, "load_pem_private_key")
    for n in range(3):
        assert "errors" not in _sign_in(f"keys{n}@example.com", f"203.0.113.{n + 1}").json()
    assert len(parsed) == 1
