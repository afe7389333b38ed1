"""logout revokes the session token presented (issue 23): a bearer token stops working at once."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

VIEWER = "{ viewer { isLoggedIn } }"


def _post(query, token=None, client=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return (client or Client()).post("/graphql", {"query": query}, content_type="application/json", **headers).json()


def test_logout_revokes_a_bearer_token(sign_in):
    # given a token in use
    token = sign_in()
    assert _post(VIEWER, token)["data"]["viewer"]["isLoggedIn"] is True
    # when the fan signs out with it
    assert _post("mutation { logout }", token)["data"] == {"logout": True}
    # then the same token is refused
    error = _post(VIEWER, token)["errors"][0]
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": "REVOKED_TOKEN"}


def test_logout_revokes_only_that_token(sign_in):
    # given two sessions of one fan (two devices)
    phone, laptop = sign_in(), sign_in()
    # when one signs out
    _post("mutation { logout }", phone)
    # then the other still works
    assert _post(VIEWER, laptop)["data"]["viewer"]["isLoggedIn"] is True


def test_a_revoked_cookie_session_is_anonymous_and_the_cookie_cleared(gql, sign_in):
    # given a browser signed in by cookie, whose token a thief copied
    token = sign_in()
    # when the browser signs out
    gql.execute("mutation { logout }")
    # then the copied token no longer signs anyone in, by cookie either
    thief = Client()
    thief.cookies["monoql_session"] = token
    answer = _post(VIEWER, client=thief)
    assert answer["data"]["viewer"]["isLoggedIn"] is False
