"""End to end over HTTP: the demo tour, 50 fans sign in and register with ranked markets."""

import pytest

from campaigns.models import Market
from conftest import AUTHENTICATE, mint
from entries.models import Entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

UPSERT = """
mutation Register($campaignId: String!, $entry: JSON!) {
  upsertViewerEntry(campaignId: $campaignId, locale: "en-us", entry: $entry) {
    isLoggedIn
    campaign(domain: "metallica.localhost") { ... on RegistrationCampaign { entry { fields } } }
  }
}
"""


def test_fifty_fans_register_with_ranked_markets(gql, demo_campaign):
    # given: the demo campaign imported from events-page.json, served on its domain
    body = gql.execute(
        '{ viewer { campaign(domain: "metallica.localhost") { id name markets { id name city event { ids date } } } } }'
    )
    campaign = body["data"]["viewer"]["campaign"]
    market_ids = [market["id"] for market in campaign["markets"]]
    assert len(market_ids) == 16
    expected = {}
    tokens = []

    # when: 50 fans sign in with identity tokens and register, each ranking up to 4 markets
    for n in range(50):
        auth = gql.execute(AUTHENTICATE, {"token": mint(f"fan{n}@example.com")})
        token = auth["data"]["authenticate"]["auth"]["token"]
        tokens.append(token)
        ranked = [market_ids[(n + k) % 16] for k in range(1 + n % 4)]
        entry = {
            "email": f"fan{n}@example.com",
            "phone": f"+1212555{n:04d}",
            "market": ranked[0],
            "optional_markets": ranked[1:],
            "allow_marketing": n % 2 == 0,
        }
        result = gql.execute(UPSERT, {"campaignId": campaign["id"], "entry": entry}, token=token)
        assert "errors" not in result, result
        assert result["data"]["upsertViewerEntry"]["campaign"]["entry"]["fields"]["market"] == ranked[0]
        for rank, market_id in enumerate(ranked):
            expected[(market_id, rank)] = expected.get((market_id, rank), 0) + 1

    # and one fan re-submits with other markets
    resubmit = {
        "email": "fan0@example.com",
        "phone": "+12125550000",
        "market": market_ids[5],
        "optional_markets": [market_ids[6]],
    }
    result = gql.execute(UPSERT, {"campaignId": campaign["id"], "entry": resubmit}, token=tokens[0])
    assert "errors" not in result, result
    expected[(market_ids[0], 0)] -= 1
    expected[(market_ids[5], 0)] = expected.get((market_ids[5], 0), 0) + 1
    expected[(market_ids[6], 1)] = expected.get((market_ids[6], 1), 0) + 1

    # then: one entry per fan, and the counts per market and rank are exactly those submitted
    assert Entry.objects.filter(campaign_id=campaign["id"]).count() == 50
    stored = {}
    for entry in Entry.objects.filter(campaign_id=campaign["id"]):
        for rank, market_id in enumerate(entry.market_ids):
            stored[(market_id, rank)] = stored.get((market_id, rank), 0) + 1
    assert stored == {key: n for key, n in expected.items() if n}
    assert Market.objects.filter(campaign_id=campaign["id"]).count() == 16
    fan0 = Entry.objects.get(campaign_id=campaign["id"], fan__email="fan0@example.com")
    assert fan0.fields["market"] == market_ids[5]
    assert fan0.origin["ip"] == "127.0.0.1"
