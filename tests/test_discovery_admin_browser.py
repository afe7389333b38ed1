"""Discovery in the admin, in a real browser: find an artist by typing part of the name, preview their
events as markets, import some, see them on the campaign with dates in the venue's time zone. The local
catalog (no ``DISCOVERY_API_KEY``) holds every artist, venue and event of ``../shared/data/discovery/``."""

import json
import random
from pathlib import Path

import pytest
from django.conf import settings

from campaigns.models import Campaign, DiscoveryEvent
from campaigns.services.discovery_catalog import load_discovery_files, load_discovery_text
from campaigns.services.discovery_import import import_discovery_events
from conftest import TEST_ACTOR, session_token_for
from tests.test_campaign_editor_browser import _sign_in
from tests.test_graphiql_browser import browser_page  # noqa: F401 - the shared Playwright page fixture

SHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots" / "discovery"
SEARCH = "query S($q: String!) { searchArtists(query: $q) { name discovery_id } }"


@pytest.mark.django_db(transaction=True)
def test_staff_find_garth_brooks_and_import_four_events(live_server, browser_page, demo_campaign, gql):  # noqa: F811
    # Given the local catalog loaded from the shared Discovery files
    totals = load_discovery_files(settings.DISCOVERY_DATA_DIR)
    assert totals["files"] == 7 and totals["events"] >= 20
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    _sign_in(page, live_server)
    # When staff start from the campaign list and search "Garth"
    page.goto(f"{live_server.url}/admin/campaigns/campaign/")
    page.screenshot(path=str(SHOTS / "campaign-list-1280.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.click("text=Import a tour from Discovery")
    page.fill("#discovery-q", "Garth")
    page.click("input[type=submit][value=Search]")
    page.wait_for_selector(".discovery-artists")
    page.screenshot(path=str(SHOTS / "search.png"))
    page.click(".discovery-artists a:has-text('Garth Brooks')")
    # Then the preview lists his four shows, dated in the venue's time zone (Las Cruces: Mountain time)
    page.wait_for_selector("#discovery-events")
    rows = page.locator("#discovery-events tbody tr")
    assert rows.count() == 4
    dates = page.eval_on_selector_all("#discovery-events .event-local", "cells => cells.map(c => c.textContent)")
    assert all(date.endswith(("MST", "MDT")) for date in dates), dates
    assert "NMSU Pan American Center" in page.inner_text("#discovery-events")
    page.screenshot(path=str(SHOTS / "preview.png"), full_page=True)
    # When they import them as a new campaign on its own domain
    page.fill("#discovery-name", "Garth Brooks World Tour")
    page.fill("#discovery-domain", "garth.localhost")
    page.click("input[type=submit].default")
    page.wait_for_selector(".messagelist li")
    message = page.inner_text(".messagelist")
    assert "4 event(s) of Garth Brooks imported into “Garth Brooks World Tour”: 1 market(s) created" in message
    # Then the campaign holds the venue's market with the four event ids and its local date
    campaign = Campaign.objects.get(name="Garth Brooks World Tour")
    market = campaign.markets.get()
    assert (market.city, market.timezone, len(market.event_ids)) == ("Las Cruces", "America/Denver", 4)
    assert campaign.locales.get().is_default
    shown = page.inner_text("#markets-0 .field-event_date_local")
    assert shown.strip().endswith(("MST", "MDT")), shown
    page.screenshot(path=str(SHOTS / "imported.png"), full_page=True)
    # And the same search over GraphQL returns him
    body = gql.execute(SEARCH, {"q": "Garth"}, token=session_token_for("supreme"))
    assert [artist["name"] for artist in body["data"]["searchArtists"]] == ["Garth Brooks"]


@pytest.mark.django_db
def test_a_reshuffled_discovery_file_imports_one_market_per_event():
    # Given a Discovery events page no test was written for: the shared one's Metallica shows, one per venue,
    # shuffled, with new event ids
    page = json.loads((Path(settings.DISCOVERY_DATA_DIR) / "events-page.json").read_text())
    events, venues = [], set()
    for event in page["_embedded"]["events"]:
        venue = event["_embedded"]["venues"][0]["id"]
        if "Metallica" in event["name"] and venue not in venues:
            venues.add(venue)
            events.append({**event, "id": f"RESHUFFLED-{len(events)}"})
    random.Random(20261201).shuffle(events)
    text = json.dumps({"_embedded": {"events": events}})
    # When it is loaded into the catalog and imported
    assert load_discovery_text(text)["events"] == len(events)
    result = import_discovery_events(text, attraction="Metallica", domain="reshuffled.localhost", actor=TEST_ACTOR)
    # Then every event became one market, with its own event id
    assert result.markets_created == len(events) == result.campaign.markets.count()
    assert sorted(m.event_ids[0] for m in result.campaign.markets.all()) == sorted(e["id"] for e in events)
    assert DiscoveryEvent.objects.filter(discovery_id__startswith="RESHUFFLED-").count() == len(events)
