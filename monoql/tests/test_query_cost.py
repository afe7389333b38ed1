"""Query cost after fragment expansion (faults round two, item 2): fragment bombs and aliases hidden in
fragments are measured in linear time and refused before execution; the project's own operations pass."""

import time
from types import SimpleNamespace

import pytest
from graphql import OperationType

from monoql.errors import ValidationFailed
from monoql.graphql.view import _deadline
from monoql.site.views import DOCUMENTS

pytestmark = pytest.mark.django_db


def _bomb(levels: int) -> str:
    """``levels`` fragments, each spreading the next twice: 2**levels copies of the innermost field."""
    fragments = [f"fragment F{n} on Viewer {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels - 1)] + [
        f"fragment F{levels - 1} on Viewer {{ isLoggedIn }}"
    ]
    return "query Bomb { viewer { ...F0 } }\n" + "\n".join(fragments)


def test_a_fragment_bomb_is_refused_at_once_naming_the_limit_and_the_cost(gql):
    # Given the 1.6 KB anonymous document that froze the web tier (30 fragments, each spreading the next twice)
    document = _bomb(30)
    assert len(document) < 2000
    # When it is sent
    started = time.monotonic()
    body = gql.execute(document)
    elapsed = time.monotonic() - started
    # Then it is refused before execution, quickly, with the limit and the cost it would have had
    error = body["errors"][0]["extensions"]
    assert (error["code"], error["reason"], error["max"]) == ("VALIDATION_ERROR", "QUERY_TOO_COSTLY", 5000)
    assert error["cost"] == 1 + 2**29  # viewer, then 2**29 copies of isLoggedIn
    assert body.get("data") is None
    assert elapsed < 2


def test_aliases_hidden_in_a_fragment_are_counted_each_time_it_is_spread(gql):
    # Given a fragment of 26 aliased fields spread five times (130 aliases; the document holds only 26)
    aliases = " ".join(f"a{n}: isLoggedIn" for n in range(26))
    document = "query A { viewer { ...V ...V ...V ...V ...V } }\nfragment V on Viewer { " + aliases + " }"
    # When it is sent, then the aliases are counted after expansion
    error = gql.execute(document)["errors"][0]["extensions"]
    assert (error["reason"], error["max"]) == ("TOO_MANY_ALIASES", 30)
    assert "130 aliases" in gql.execute(document)["errors"][0]["message"]


def test_the_projects_own_operations_pass_the_default_limits(gql, demo_campaign):
    # Given the fan site's documents (the heaviest read: the campaign page with markets and content)
    variables = {
        "CampaignPage": {"domain": demo_campaign.domain_site, "locale": "en_US"},
        "Authenticate": {"token": "x"},
        "Logout": {},
        "UpsertViewerEntry": {"campaignId": demo_campaign.pk, "locale": "en_US", "entry": {}},
        "SetViewerDoNotSell": {"doNotSell": False},
        "ViewerPersonalData": {},
        "SendPhoneConfirmationCode": {"campaignId": demo_campaign.pk, "phone": "+12125550123"},
        "VerifyPhoneConfirmationCode": {"campaignId": demo_campaign.pk, "phone": "+12125550123", "code": "1"},
        "SubmitConfirm": {"campaignId": demo_campaign.pk, "phoneJwt": "x"},
    }
    for name, document in DOCUMENTS.items():
        body = gql.execute(document, variables[name])
        limits = [error for error in body.get("errors", []) if error["extensions"].get("limit")]
        assert limits == [], name


def test_an_execution_stops_when_its_wall_clock_budget_is_spent(gql, settings):
    # Given a budget already spent when resolution starts
    settings.GRAPHQL_MAX_SECONDS = 0
    # When a query runs, then no resolver starts past the budget: the answer says why, in words
    body = gql.execute("query Q { viewer { isLoggedIn } }")
    error = body["errors"][0]
    assert (error["extensions"]["code"], error["extensions"]["reason"]) == ("VALIDATION_ERROR", "QUERY_TIMEOUT")
    assert error["message"] == "The query ran longer than 0 s and was stopped."


def test_a_mutation_that_ran_is_answered_in_full_past_the_budget():
    """Issue 36: a registration saved after the budget was spent was answered QUERY_TIMEOUT (its sub-fields were
    refused), telling the fan a saved write failed. Past the budget a mutation not yet started is refused, but
    the fields of one that ran are answered."""
    # given a budget already spent
    middleware = _deadline(time.monotonic() - 1)
    mutation = SimpleNamespace(operation=OperationType.MUTATION)
    root_field = SimpleNamespace(operation=mutation, path=SimpleNamespace(prev=None))
    under_it = SimpleNamespace(operation=mutation, path=SimpleNamespace(prev=root_field.path))
    query_field = SimpleNamespace(
        operation=SimpleNamespace(operation=OperationType.QUERY), path=SimpleNamespace(prev=root_field.path)
    )
    # when a field under a mutation that ran resolves, then it is answered
    assert middleware(lambda root, info: "saved", None, under_it) == "saved"
    # when a mutation would start, or a query's field, then they are refused
    for info in (root_field, query_field):
        with pytest.raises(ValidationFailed) as refused:
            middleware(lambda root, info: "never", None, info)
        assert refused.value.reason == "QUERY_TIMEOUT"
