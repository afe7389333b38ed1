"""Markets (catalog §3.2, §3.6.8): upsert rules, delete with transfer, clone, presale reminders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Fan
from campaigns.models import Campaign, Market, OutboundEvent
from campaigns.services.markets import notify_upcoming_presales
from conftest import TEST_ACTOR, run_concurrently, session_token_for
from entries.models import Entry
from entries.services.transfer import transferred_fields

UPSERT = """
mutation admin_upsertMarket($market: MarketInput!) {
  upsertMarket(market: $market) { id name city state timezone population point { latitude longitude }
    event { id ids name presaleDateTime venue { name } splitAllocation { type isActive } } isAddedShow }
}
"""
DELETE = """
mutation admin_deleteMarket($campaignId: String!, $marketId: String!, $transferMarketId: String) {
  deleteMarket(campaignId: $campaignId, marketId: $marketId, transferMarketId: $transferMarketId)
}
"""
CLONE = """
mutation CloneMarkets($from: String!, $to: String!) { cloneMarkets(fromCampaignId: $from, toCampaignId: $to) { id name } }
"""
PREFERENCES = [
    {"id": "market", "type": "market_select", "is_optional": False},
    {"id": "others", "type": "additional_markets_select", "is_optional": True},
]


def _market_input(campaign_id, **changes):
    data = {
        "campaignId": campaign_id,
        "name": "Chicago, IL",
        "city": "Chicago",
        "state": "IL",
        "timezone": "America/Chicago",
        "population": 5000,
        "point": {"latitude": 41.86, "longitude": -87.61},
        "event": {
            "id": "E1",
            "ids": ["E2"],
            "name": "Soldier Field",
            "presaleDateTime": "2026-12-10T15:00:00Z",
            "venue": {"name": "Soldier Field"},
            "splitAllocation": {"type": "concurrent", "isActive": True},
        },
    }
    data.update(changes)
    return data


@pytest.fixture
def campaign(db):
    return Campaign.objects.create(name="Tour", domain_site="tour.localhost", preferences=PREFERENCES)


@pytest.mark.django_db
def test_upsert_market_creates_and_updates(gql, campaign):
    token = session_token_for("writer", campaign)
    # when
    created = gql.execute(UPSERT, {"market": _market_input(campaign.pk)}, token=token)
    market_id = created["data"]["upsertMarket"]["id"]
    updated = gql.execute(
        UPSERT,
        {"market": {"id": market_id, "campaignId": campaign.pk, "event": {"presaleDateTime": "2026-12-11T15:00:00Z"}}},
        token=token,
    )
    # then
    assert created["data"]["upsertMarket"]["event"] == {
        "id": "E1",
        "ids": ["E1", "E2"],
        "name": "Soldier Field",
        "presaleDateTime": "2026-12-10T15:00:00Z",
        "venue": {"name": "Soldier Field"},
        "splitAllocation": {"type": "concurrent", "isActive": True},
    }
    assert created["data"]["upsertMarket"]["point"] == {"latitude": 41.86, "longitude": -87.61}
    assert updated["data"]["upsertMarket"]["event"]["presaleDateTime"] == "2026-12-11T15:00:00Z"
    assert updated["data"]["upsertMarket"]["name"] == "Chicago, IL"
    assert list(OutboundEvent.objects.values_list("event_type", flat=True)) == [
        "market.created",
        "market.updated",
        "market.presaleTimeChanged",
    ]


BAD_MARKETS = [
    ("unknown time zone", {"timezone": "America/Atlantis"}, "INVALID_TIMEZONE", "timezone"),
    ("missing city", {"city": ""}, "INVALID_MARKET_SCHEMA", "city"),
    ("no event id", {"event": {"name": "x"}}, "INVALID_MARKET_SCHEMA", "event.ids"),
    ("venue without name", {"event": {"id": "E1", "venue": {}}}, "INVALID_MARKET_SCHEMA", "event.venue.name"),
    ("point out of range", {"point": {"latitude": 91, "longitude": 0}}, "INVALID_MARKET_SCHEMA", "point"),
    ("bad date", {"event": {"id": "E1", "presaleDateTime": "soon"}}, "INVALID_DATE", "event.presaleDateTime"),
    ("unknown promoter", {"promoterIds": ["nope"]}, "PROMOTER_NOT_FOUND", "promoterIds"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("label,changes,reason,field", BAD_MARKETS, ids=[r[0] for r in BAD_MARKETS])
def test_bad_market_input_is_refused_and_writes_nothing(gql, campaign, label, changes, reason, field):
    body = gql.execute(
        UPSERT, {"market": _market_input(campaign.pk, **changes)}, token=session_token_for("writer", campaign)
    )
    assert body["errors"][0]["extensions"] == {"code": "VALIDATION_ERROR", "reason": reason, "field": field}
    assert Market.objects.count() == 0 and OutboundEvent.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_market_name_in_a_campaign_is_refused(gql, campaign):
    token = session_token_for("writer", campaign)
    gql.execute(UPSERT, {"market": _market_input(campaign.pk)}, token=token)
    # when
    body = gql.execute(UPSERT, {"market": _market_input(campaign.pk)}, token=token)
    # then
    assert body["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "marketNameExists",
        "field": "name",
    }
    assert Market.objects.count() == 1


@pytest.mark.django_db
def test_unknown_campaign_or_market_is_not_found(gql, campaign):
    token = session_token_for("supreme")
    missing_campaign = gql.execute(UPSERT, {"market": _market_input("f" * 24)}, token=token)
    missing_market = gql.execute(UPSERT, {"market": _market_input(campaign.pk, id="e" * 24)}, token=token)
    assert missing_campaign["errors"][0]["extensions"]["reason"] == "CAMPAIGN_NOT_FOUND"
    assert missing_market["errors"][0]["extensions"] == {
        "code": "NOT_FOUND",
        "reason": "MARKET_NOT_FOUND",
        "field": "id",
    }


def _market(campaign, name):
    return Market.objects.create(campaign=campaign, name=name, city=name, state="XX", timezone="UTC", event_ids=[name])


def _entry(campaign, n, primary, others):
    fan = Fan.objects.create(global_user_id=f"fan-{n}", email=f"fan{n}@example.com")
    entry = Entry.objects.create(
        campaign=campaign, fan=fan, fields={"market": primary.pk, "others": [m.pk for m in others]}
    )
    entry.set_market_ids([primary.pk, *[m.pk for m in others]])
    entry.save()
    return entry


def _ranks(entry):
    entry.refresh_from_db()
    names = dict(Market.objects.values_list("pk", "name"))
    return [names[m] for m in entry.market_ids]


@pytest.mark.django_db
def test_delete_with_transfer_applies_the_four_rules(gql, campaign):
    # given
    a, b, c, d = (_market(campaign, name) for name in "ABCD")
    rule1 = _entry(campaign, 1, a, [c])  # from primary, target absent
    rule2 = _entry(campaign, 2, a, [c, b])  # from primary, target optional
    rule3 = _entry(campaign, 3, c, [a, b])  # from optional, target present
    rule4 = _entry(campaign, 4, c, [a, d])  # from optional, target absent
    untouched = _entry(campaign, 5, c, [d])
    # when
    body = gql.execute(
        DELETE,
        {"campaignId": campaign.pk, "marketId": a.pk, "transferMarketId": b.pk},
        token=session_token_for("writer", campaign),
    )
    # then
    assert body["data"]["deleteMarket"] == {"deleted": 1, "marketId": a.pk, "transferMarketId": b.pk, "modified": 4}
    assert [_ranks(e) for e in (rule1, rule2, rule3, rule4, untouched)] == [
        ["B", "C"],
        ["B", "C"],
        ["C", "B"],
        ["C", "B", "D"],
        ["C", "D"],
    ]
    rule2.refresh_from_db()
    assert rule2.fields == {"market": b.pk, "others": [c.pk]}
    assert not Market.objects.filter(pk=a.pk).exists()


def test_transfer_rules_on_form_values():
    assert transferred_fields({"m": "a", "o": ["b"]}, "m", "o", "a", "b") == {"m": "b", "o": []}
    assert transferred_fields({"m": "c", "o": ["a", "d"]}, "m", "o", "a", "b") == {"m": "c", "o": ["b", "d"]}


@pytest.mark.django_db
def test_delete_refuses_when_entries_would_lose_their_market(gql, campaign):
    a = _market(campaign, "A")
    entry = _entry(campaign, 1, a, [])
    body = gql.execute(
        DELETE, {"campaignId": campaign.pk, "marketId": a.pk}, token=session_token_for("writer", campaign)
    )
    assert body["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "MARKET_HAS_ENTRIES",
        "field": "transferMarketId",
    }
    assert _ranks(entry) == ["A"]


@pytest.mark.django_db
def test_clone_copies_markets_with_new_ids_and_refuses_name_clashes(gql, campaign):
    # given
    _market(campaign, "A"), _market(campaign, "B")
    target = Campaign.objects.create(name="Target")
    token = session_token_for("supreme")
    # when
    first = gql.execute(CLONE, {"from": campaign.pk, "to": target.pk}, token=token)
    again = gql.execute(CLONE, {"from": campaign.pk, "to": target.pk}, token=token)
    # then
    assert sorted(m["name"] for m in first["data"]["cloneMarkets"]) == ["A", "B"]
    assert not {m["id"] for m in first["data"]["cloneMarkets"]} & set(campaign.markets.values_list("id", flat=True))
    assert again["errors"][0]["extensions"]["reason"] == "marketNameExists"
    assert target.markets.count() == 2


@pytest.mark.django_db(transaction=True)
def test_presale_reminders_are_sent_once_even_by_racing_runs(require_postgres):
    # given
    now = timezone.now()
    reminded = Campaign.objects.create(name="R", options={"automatedReminders": True})
    silent = Campaign.objects.create(name="S", options={})
    due = _market(reminded, "due")
    Market.objects.filter(pk=due.pk).update(event_presale_date_time=now + timedelta(hours=3))
    for name, delta in (("soon", timedelta(hours=1)), ("late", timedelta(hours=28))):
        Market.objects.filter(pk=_market(reminded, name).pk).update(event_presale_date_time=now + delta)
    Market.objects.filter(pk=_market(silent, "off").pk).update(event_presale_date_time=now + timedelta(hours=3))
    # when
    results, errors = run_concurrently(4, lambda n: notify_upcoming_presales(now=now, actor=TEST_ACTOR))
    # then
    assert errors == []
    assert sorted(sum(results, [])) == [due.pk]
    assert OutboundEvent.objects.filter(event_type="market.presaleReminder").count() == 1
    assert notify_upcoming_presales(now=now, actor=TEST_ACTOR) == []
