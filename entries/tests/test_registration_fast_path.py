"""The registration fast path (issue 23): the statements a registration costs, the fan cache and its
invalidation (a doNotSell change applies to the very next registration with the same token), one JWT
decode per request, the browser-state middleware skipped for header-authenticated calls."""

import jwt
import pytest
from django.test import Client

from accounts.models import Fan
from campaigns.selectors import campaign_with_children
from entries.models import Entry
from monoql.audit import AuditEntry

pytestmark = pytest.mark.django_db

UPSERT = """
mutation Register($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { isLoggedIn } }
"""
VIEWER = "{ viewer { isLoggedIn email } }"


def _entry(campaign, allow_marketing=True):
    markets = list(campaign.markets.order_by("event_date", "name").values_list("id", flat=True))
    return {
        "email": "fan@example.com",
        "phone": "+12125550123",
        "market": markets[0],
        "optional_markets": markets[1:3],
        "allow_marketing": allow_marketing,
    }


def _post(query, variables, token):
    return Client().post(
        "/graphql",
        {"query": query, "variables": variables},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.mark.postgres
def test_a_new_entry_costs_one_statement_and_an_update_two(sign_in, demo_campaign, django_assert_num_queries):
    # given a signed-in fan whose first request (the campaign page) cached them, and the campaign cached
    token = sign_in()
    assert _post(VIEWER, {}, token).json()["data"]["viewer"]["isLoggedIn"] is True
    assert campaign_with_children(demo_campaign.pk) is not None
    entry, changed = _entry(demo_campaign), _entry(demo_campaign, allow_marketing=False)
    audit_rows = AuditEntry.objects.count()
    # when they register: one INSERT … ON CONFLICT … RETURNING, verdict decided inside it, no fan read
    with django_assert_num_queries(1) as new:
        first = _post(UPSERT, {"c": demo_campaign.pk, "e": entry}, token).json()
    # and when they register again (an update): the same INSERT hands back the stored entry, one UPDATE
    # conditioned on it being unchanged writes the new values
    with django_assert_num_queries(2) as update:
        again = _post(UPSERT, {"c": demo_campaign.pk, "e": changed}, token).json()
    # then (a fan's own registration is not in the audit log: the hot path costs no statement for it)
    assert "errors" not in first and "errors" not in again, (first, again)
    assert AuditEntry.objects.count() == audit_rows
    assert new.captured_queries[0]["sql"].startswith("INSERT INTO entries_entry")
    assert "ON CONFLICT (campaign_id, fan_id) DO UPDATE SET date_updated" in new.captured_queries[0]["sql"]
    statements = [query["sql"].split()[0] for query in update.captured_queries]
    assert statements == ["INSERT", "UPDATE"]
    assert "WHERE id = " in update.captured_queries[1]["sql"]
    stored = Entry.objects.get()
    assert (stored.fields["allow_marketing"], stored.verdict, stored.market_ids[0]) == (
        False,
        True,
        entry["market"],
    )


def test_a_blacklisted_contact_is_decided_inside_the_insert_and_the_update(sign_in, demo_campaign):
    # given
    from entries.models import BlacklistEntry

    BlacklistEntry.objects.create(value="+12125550123")
    token, clean = sign_in(), sign_in("clean@example.com")
    entry = _entry(demo_campaign)
    # when one fan registers with the blacklisted phone, another with a clean one that they then change to it
    answer = _post(UPSERT, {"c": demo_campaign.pk, "e": entry}, token).json()
    first = _post(UPSERT, {"c": demo_campaign.pk, "e": {**entry, "phone": "+12125550199"}}, clean).json()
    clean_before = Entry.objects.get(email="fan@example.com", fan__email="clean@example.com").verdict
    changed = _post(UPSERT, {"c": demo_campaign.pk, "e": entry}, clean).json()
    # then
    assert "errors" not in answer and "errors" not in first and "errors" not in changed, (answer, first, changed)
    assert Entry.objects.get(fan__email="fan@example.com").verdict is False
    assert (clean_before, Entry.objects.get(fan__email="clean@example.com").verdict) == (True, False)


@pytest.mark.parametrize("how", ["save", "queryset update"])
def test_do_not_sell_applies_to_the_very_next_registration_with_the_same_token(sign_in, demo_campaign, how):
    # given a fan whose row the cache holds (their campaign page was served)
    token = sign_in()
    assert _post(VIEWER, {}, token).json()["data"]["viewer"]["email"] == "fan@example.com"
    fan = Fan.objects.get(email="fan@example.com")
    # when their doNotSell changes in the database
    if how == "save":
        fan.do_not_sell = True
        fan.save()
    else:
        Fan.objects.filter(pk=fan.pk).update(do_not_sell=True)
    answer = _post(UPSERT, {"c": demo_campaign.pk, "e": _entry(demo_campaign, allow_marketing=True)}, token).json()
    # then the very next registration with the same token clears the opt-in
    assert "errors" not in answer, answer
    assert Entry.objects.get().fields["allow_marketing"] is False


def test_a_registration_decodes_the_session_token_once(sign_in, demo_campaign, count_calls):
    # given
    token = sign_in()
    calls = count_calls(jwt, "decode")
    # when (the rate limiter, the session and the resolver all need the claims)
    answer = _post(UPSERT, {"c": demo_campaign.pk, "e": _entry(demo_campaign)}, token).json()
    # then
    assert "errors" not in answer, answer
    assert len(calls) == 1


def test_header_authenticated_calls_skip_session_and_csrf_cookies(sign_in, demo_campaign):
    # given
    token = sign_in()
    # when
    response = _post(UPSERT, {"c": demo_campaign.pk, "e": _entry(demo_campaign)}, token)
    # then no session is opened and no CSRF cookie minted for a caller that proves itself by header
    assert response.status_code == 200
    assert sorted(response.cookies) == []
    assert "Vary" not in response or "Cookie" not in response["Vary"]


def test_a_cookie_authenticated_mutation_still_needs_its_csrf_token(gql, sign_in, demo_campaign):
    # given a browser signed in by cookie (sign_in sets it on the gql client)
    sign_in()
    # when it posts a mutation without the CSRF token
    body = gql.execute(UPSERT, {"c": demo_campaign.pk, "e": _entry(demo_campaign)})
    # then
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": "CSRF_FAILED"}
    assert Entry.objects.count() == 0
