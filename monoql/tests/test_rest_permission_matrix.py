"""Every REST endpoint declares its access (issue 34 point 3): the views are discovered from the URL map (a new
endpoint fails here until it declares an access this table expects), and each is called as anonymous, a fan,
staff without the needed action, staff with it, and a supreme user: allowed callers get past the check, refused
ones get 401 / 403 in the REST error shape and the refused call wrote nothing. A write that succeeds leaves exactly
one audit-log row naming the caller and the door (REST); one that fails leaves none."""

import jwt
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.api.access import DeclaredAccess, RestAccess
from campaigns.models import Campaign, CampaignStatus
from codes.models import Code
from conftest import session_token_for
from monoql.audit import AuditEntry

pytestmark = pytest.mark.django_db

#: Route name → the access level this table expects (never read from the views).
ACCESS = {
    "codes-assign": "select",
    "codes-upload": "select",
    "codes-count": "select",
    "codes-reserve": "select",
    "codes-release": "select",
    "campaigns-refresh": "supreme",
    "markets-upcoming": "supreme",
    "markets-notify-date": "supreme",
    "privacy-erase": "supreme",
    "privacy-erasure": "supreme",
    "privacy-fan-data": "supreme",
    "campaign-exports": "report",
    "campaign-export": "report",
}
#: Routes under /api/ that are not APIViews: signed links (the token is the permission) and the OpenAPI schema.
NOT_DECLARED = {"export-download", "file-download", "openapi-schema"}


def _api_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_routes(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            yield pattern.name, route, pattern.callback


ROUTES = sorted(_api_routes())


def test_every_rest_endpoint_declares_the_access_this_table_expects():
    declared = {
        name: getattr(getattr(callback, "view_class", None), "access", None)
        for name, _, callback in ROUTES
        if name not in NOT_DECLARED
    }
    assert {name: access.level if isinstance(access, RestAccess) else None for name, access in declared.items()} == (
        ACCESS
    )


def test_a_view_that_declares_nothing_is_refused():
    class Undeclared:
        kwargs: dict = {}

    with pytest.raises(Exception) as refused:
        DeclaredAccess().has_permission(type("R", (), {"user": None})(), Undeclared())
    assert getattr(refused.value, "reason", None) == "ACCESS_NOT_DECLARED"


def _url(route: str, campaign_id: str) -> str:
    return "/" + (
        route.replace("<str:campaign_id>", campaign_id)
        .replace("<str:export_id>", "1")
        .replace("<str:fan_id>", "nobody")
        .replace("<str:token>", "x")
    )


ROLES = ["anonymous", "fan", "without", "with", "supreme"]

#: Requests that carry a write through to success (route name → (method, body or query)); the others send ``{}``.
VALID = {
    "codes-reserve": ("get", {"count": 1, "type": "tm"}),
    "codes-release": ("post", {"codes": ["A1"]}),
    "codes-assign": ("post", {"codes": ["A1"]}),
    "campaign-exports": ("post", {"exportType": "entries"}),
}
#: Writes: a success leaves one audit row. ``campaigns-refresh`` moves nothing in this world, so it writes nothing.
WRITES = {
    ("codes-reserve", "get"),
    ("codes-release", "post"),
    ("codes-assign", "post"),
    ("codes-upload", "post"),
    ("campaign-exports", "post"),
    ("privacy-erase", "post"),
    ("markets-notify-date", "post"),
}
CASES = [(name, route, role) for name, route, _ in ROUTES if name in ACCESS for role in ROLES]


def _token(level: str, role: str, campaign, other):
    if role == "anonymous":
        return None
    if role in ("fan", "supreme"):
        return session_token_for(role)
    holder = {"read": "reader", "write": "writer", "report": "reporter", "select": "selector"}
    if level == "supreme":
        return session_token_for("writer" if role == "without" else "supreme", campaign)
    if role == "with":
        return session_token_for(holder[level], campaign)
    return session_token_for(holder[level], other)  # the action, on another campaign


@pytest.mark.parametrize("name, route, role", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_each_rest_endpoint_allows_exactly_its_callers(name, route, role):
    # given a campaign, another one, and the caller
    campaign = Campaign.objects.create(name="REST Tour", status=CampaignStatus.CLOSED)
    other = Campaign.objects.create(name="Other Tour")
    level = ACCESS[name]
    token = _token(level, role, campaign, other)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    allowed = role in ("with", "supreme")
    view = dict((n, c) for n, _, c in ROUTES)[name].view_class
    Code.objects.create(campaign=campaign, code="A1", type="tm", date_saved=timezone.now())
    successes: list[str] = []
    for method in ("get", "post"):
        if not hasattr(view, method):
            continue
        # when it calls the endpoint
        valid_method, payload = VALID.get(name, (method, {}))
        payload = payload if valid_method == method else {}
        AuditEntry.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            if method == "get":
                response = Client().get(_url(route, campaign.pk), payload, **headers)
            else:
                response = Client().post(_url(route, campaign.pk), payload, content_type="application/json", **headers)
        # then an allowed caller gets past the check; a refused one gets 401/403 and wrote nothing
        rows = list(AuditEntry.objects.all())
        if allowed:
            assert response.status_code not in (401, 403), (name, method, role, response.content[:300])
            if response.status_code < 300 and (name, method) in WRITES:
                fan_id = jwt.decode(token, options={"verify_signature": False})["sub"]
                assert [(row.actor_kind, row.channel, row.actor_fan_id) for row in rows] == [("staff", "rest", fan_id)]
                successes.append(name)
            else:
                assert rows == [], (name, method, [(row.action, row.changes) for row in rows])
        else:
            expected = 401 if role == "anonymous" else 403
            assert response.status_code == expected, (name, method, role, response.content[:300])
            assert response.json()["code"] == ("UNAUTHENTICATED" if expected == 401 else "FORBIDDEN")
            writes = [
                q["sql"] for q in queries.captured_queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")
            ]
            assert writes == [], (name, method, role, writes)
    # and the valid requests did succeed as allowed callers (the audit check above is not vacuous)
    if role in ("with", "supreme") and name in VALID:
        assert successes == [name], (name, role, response.status_code, response.content[:300])
