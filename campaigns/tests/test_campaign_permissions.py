"""Permission table for every campaign-service operation (issue 3 item 6): allow/deny by role, and a denied
call changes nothing (rows counted in every table the operations write)."""

import pytest

from campaigns.models import Campaign, CampaignLocale, Contact, Market, OutboundEvent, Promoter
from conftest import session_token_for

ROLES = ["anonymous", "fan", "reader", "writer", "supreme"]


def _snapshot():
    return {
        "campaigns": list(Campaign.objects.order_by("pk").values_list("pk", "name", "status", "contacts")),
        "locales": CampaignLocale.objects.count(),
        "markets": list(Market.objects.order_by("pk").values_list("pk", "name", "promoter_ids")),
        "promoters": list(Promoter.objects.order_by("pk").values_list("pk", "name")),
        "contacts": Contact.objects.count(),
        "events": OutboundEvent.objects.count(),
    }


@pytest.fixture
def world(db):
    campaign = Campaign.objects.create(name="Tour", domain_site="tour.localhost")
    CampaignLocale.objects.create(campaign=campaign, locale="en_US", is_default=True)
    other = Campaign.objects.create(name="Other")
    a = Market.objects.create(campaign=campaign, name="A", city="A", state="A", timezone="UTC", event_ids=["1"])
    b = Market.objects.create(campaign=campaign, name="B", city="B", state="B", timezone="UTC", event_ids=["2"])
    promoter = Promoter.objects.create(name="P")
    return {"campaign": campaign, "other": other, "a": a, "b": b, "promoter": promoter}


# (operation, variables builder, roles allowed). "reader"/"writer" hold the action on world["campaign"].
OPERATIONS = [
    (
        "create campaign",
        "mutation($c: CampaignInput!) { upsertCampaign(campaign: $c) { id } }",
        lambda w: {"c": {"name": "New"}},
        {"supreme"},
    ),
    (
        "update campaign",
        "mutation($c: CampaignInput!) { upsertCampaign(campaign: $c) { id } }",
        lambda w: {"c": {"id": w["campaign"].pk, "name": "Renamed"}},
        {"writer", "supreme"},
    ),
    (
        "upsert market",
        "mutation($m: MarketInput!) { upsertMarket(market: $m) { id } }",
        lambda w: {"m": {"campaignId": w["campaign"].pk, "id": w["a"].pk, "name": "A2"}},
        {"writer", "supreme"},
    ),
    (
        "delete market",
        "mutation($c: String!, $m: String!) { deleteMarket(campaignId: $c, marketId: $m) }",
        lambda w: {"c": w["campaign"].pk, "m": w["b"].pk},
        {"writer", "supreme"},
    ),
    (
        "clone markets into another campaign",
        "mutation($f: String!, $t: String!) { cloneMarkets(fromCampaignId: $f, toCampaignId: $t) { id } }",
        lambda w: {"f": w["campaign"].pk, "t": w["other"].pk},
        {"supreme"},
    ),
    (
        "save contacts",
        "mutation($c: [JSON]!, $id: ID!) { saveCampaignContacts(contacts: $c, campaignId: $id) }",
        lambda w: {"c": [{"name": "Ops"}], "id": w["campaign"].pk},
        {"writer", "supreme"},
    ),
    (
        "upsert promoter",
        "mutation($p: PromoterInput!) { upsertPromoter(promoter: $p) { id } }",
        lambda w: {"p": {"name": "Q"}},
        {"supreme"},
    ),
    (
        "delete promoter",
        "mutation($id: String!) { deletePromoter(promoterId: $id) }",
        lambda w: {"id": w["promoter"].pk},
        {"supreme"},
    ),
    ("search contacts", '{ searchContacts(query: "o") }', lambda w: {}, {"supreme"}),
    ("search artists", '{ searchArtists(query: "a") { id } }', lambda w: {}, {"reader", "writer", "supreme"}),
    ("search venues", '{ searchVenues(query: "a") { id } }', lambda w: {}, {"reader", "writer", "supreme"}),
    ("promoters", "{ promoters { id } }", lambda w: {}, {"reader", "writer", "supreme"}),
    (
        "category ids",
        '{ viewer { campaigns { categoryIds(presaleQueryStartDate: "2026-01-01", presaleQueryEndDate: "2026-02-01") } } }',
        lambda w: {},
        {"reader", "writer", "supreme"},
    ),
    (
        "draft campaign by id",
        "query($id: String) { viewer { campaign(id: $id) { id } } }",
        lambda w: {"id": w["campaign"].pk},
        {"reader", "writer", "supreme"},
    ),
]
CASES = [(op, role) for op in OPERATIONS for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize("operation,role", CASES, ids=[f"{op[0]}-{role}" for op, role in CASES])
def test_operation_allows_exactly_its_roles(gql, world, operation, role):
    # given
    label, document, variables, allowed = operation
    token = session_token_for(role, world["campaign"])
    before = _snapshot()
    # when
    body = gql.execute(document, variables(world), token=token)
    # then
    errors = body.get("errors") or []
    if role in allowed:
        assert errors == [], (label, role, errors)
    else:
        codes = {error["extensions"]["code"] for error in errors}
        # Anonymous callers are asked to sign in, or told a hidden campaign does not exist; never FORBIDDEN.
        expected = {"UNAUTHENTICATED", "NOT_FOUND"} if role == "anonymous" else {"FORBIDDEN", "NOT_FOUND"}
        assert codes and codes <= expected, (label, role, errors)
        assert _snapshot() == before
