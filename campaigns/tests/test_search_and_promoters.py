"""Discovery search (live + offline fallback), contacts, promoters, identity/ppc, categoryIds."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings as django_settings

from campaigns.models import Campaign, Contact, Market, Promoter
from campaigns.services.discovery_import import import_discovery_events
from conftest import TEST_ACTOR, session_token_for

SEARCH = """
query admin_searchArtists($q: String!) { searchArtists(query: $q, limit: 5) { id discovery_id name needs_id } }
"""
VENUES = """
query admin_searchVenues($q: String!) {
  searchVenues(query: $q) { id discovery_id name city state country zip timezone point { latitude longitude } }
}
"""


@pytest.fixture
def discovery_server(discovery_dir):
    """A real HTTP server answering /attractions.json and /venues.json with the stored Discovery pages."""
    seen = []
    pages = {
        "/discovery/v2/attractions.json": (discovery_dir / "search-attractions.json").read_bytes(),
        "/discovery/v2/venues.json": (discovery_dir / "search-venues.json").read_bytes(),
    }

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlparse(self.path)
            seen.append((url.path, parse_qs(url.query)))
            body = pages.get(url.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body or b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/discovery/v2", seen
    server.shutdown()


@pytest.mark.django_db
def test_search_asks_discovery_when_configured_and_caches(gql, settings, discovery_server):
    # given
    url, seen = discovery_server
    settings.DISCOVERY_API_URL, settings.DISCOVERY_API_KEY = url, "k-123"
    token = session_token_for("supreme")
    # when
    first = gql.execute(SEARCH, {"q": "!!!"}, token=token)
    second = gql.execute(SEARCH, {"q": "!!!"}, token=token)
    venues = gql.execute(VENUES, {"q": "UCV"}, token=token)
    # then
    assert first["data"]["searchArtists"] == [
        {"id": "K8vZ9175BhV", "discovery_id": "K8vZ9175BhV", "name": "!!!", "needs_id": False}
    ]
    assert second == {**first, "_response": second["_response"]}
    assert [path for path, _ in seen].count("/discovery/v2/attractions.json") == 1
    assert seen[0][1] == {"keyword": ["!!!"], "size": ["5"], "page": ["0"], "apikey": ["k-123"]}
    assert venues["data"]["searchVenues"][0] == {
        "id": "KovZpZAFnIEA",
        "discovery_id": "KovZpZAFnIEA",
        "name": "#1 Please do not use, left over from UCV initial acct set up",
        "city": "Morrisburg",
        "state": "ON",
        "country": "CA",
        "zip": "K0C1X0",
        "timezone": "America/Toronto",
        "point": {"latitude": 44.9453534, "longitude": -75.1870273},
    }


@pytest.mark.django_db
def test_search_falls_back_to_the_imported_catalog_offline(gql, settings, events_page_text):
    # given: Discovery unreachable (nothing listens on port 9)
    settings.DISCOVERY_API_URL, settings.DISCOVERY_API_KEY = "http://127.0.0.1:9/discovery/v2", "k"
    import_discovery_events(events_page_text, attraction="Metallica", domain="metallica.localhost", actor=TEST_ACTOR)
    token = session_token_for("supreme")
    # when
    artists = gql.execute(SEARCH, {"q": "metal"}, token=token)
    venues = gql.execute(VENUES, {"q": "Chicago"}, token=token)
    # then
    assert [(a["name"], a["needs_id"]) for a in artists["data"]["searchArtists"]] == [("Metallica", False)]
    assert [v["city"] for v in venues["data"]["searchVenues"]] == ["Chicago"]
    assert venues["data"]["searchVenues"][0]["timezone"] == "America/Chicago"


@pytest.mark.django_db
@pytest.mark.parametrize("role,code", [("anonymous", "UNAUTHENTICATED"), ("fan", "FORBIDDEN")])
def test_search_is_for_staff(gql, role, code):
    body = gql.execute(SEARCH, {"q": "x"}, token=session_token_for(role))
    assert body["errors"][0]["extensions"]["code"] == code


PROMOTER = """
mutation P($p: PromoterInput!) { upsertPromoter(promoter: $p) { id name privacyUrls { locale url is_default } date { created } } }
"""


@pytest.mark.django_db
def test_promoters_need_exactly_one_default_url_and_deleting_unlinks_markets(gql):
    token = session_token_for("supreme")
    urls = [
        {"locale": "en-us", "url": "https://promoter.example.com/privacy", "is_default": True},
        {"locale": "fr_CA", "url": "https://promoter.example.com/fr/privacy"},
    ]
    # when
    created = gql.execute(PROMOTER, {"p": {"name": "Live Promotions", "privacyUrls": urls}}, token=token)
    two_defaults = gql.execute(
        PROMOTER, {"p": {"name": "Bad", "privacyUrls": [{**u, "is_default": True} for u in urls]}}, token=token
    )
    promoter_id = created["data"]["upsertPromoter"]["id"]
    campaign = Campaign.objects.create(name="T")
    market = Market.objects.create(campaign=campaign, name="M", promoter_ids=[promoter_id, "other"])
    deleted = gql.execute(
        "mutation D($id: String!) { deletePromoter(promoterId: $id) }", {"id": promoter_id}, token=token
    )
    # then
    assert created["data"]["upsertPromoter"]["privacyUrls"] == [
        {"locale": "en_US", "url": "https://promoter.example.com/privacy", "is_default": True},
        {"locale": "fr_CA", "url": "https://promoter.example.com/fr/privacy", "is_default": False},
    ]
    assert two_defaults["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "reason": "INVALID_PROMOTER_SCHEMA",
        "field": "privacyUrls",
    }
    assert deleted["data"]["deletePromoter"] == {"deleted": 1, "marketsUpdated": 1}
    market.refresh_from_db()
    assert market.promoter_ids == ["other"] and Promoter.objects.count() == 0


@pytest.mark.django_db
def test_promoter_writes_are_supreme_only(gql):
    body = gql.execute(PROMOTER, {"p": {"name": "X"}}, token=session_token_for("fan"))
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": "SUPREME_USER_REQUIRED"}
    assert Promoter.objects.count() == 0


@pytest.mark.django_db
def test_save_and_search_contacts(gql):
    campaign = Campaign.objects.create(name="T")
    known = Contact.objects.create(name="Ada Ops", email="ada@example.com", keyword=["ops"])
    token = session_token_for("supreme")
    # when
    saved = gql.execute(
        "mutation S($c: [JSON]!, $id: ID!) { saveCampaignContacts(contacts: $c, campaignId: $id) }",
        {"c": [known.pk, {"name": "Bob Promo", "email": "bob@example.com", "keyword": ["promo"]}], "id": campaign.pk},
        token=token,
    )
    found = gql.execute('{ searchContacts(query: "promo") }', token=token)
    read = gql.execute(
        "query C($id: String) { viewer { campaign(id: $id) { contacts } } }", {"id": campaign.pk}, token=token
    )
    # then
    bob = Contact.objects.get(name="Bob Promo")
    assert saved["data"]["saveCampaignContacts"] == [known.pk, bob.pk]
    assert found["data"]["searchContacts"] == [
        {"_id": bob.pk, "name": "Bob Promo", "email": "bob@example.com", "keyword": ["promo"]}
    ]
    assert [c["name"] for c in read["data"]["viewer"]["campaign"]["contacts"]] == ["Ada Ops", "Bob Promo"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "host,brand",
    [("registration.livenation.com", "livenation"), ("verifiedfan.ticketmaster.ca", "ca"), ("x.com", "default")],
)
def test_identity_and_ppc_follow_the_host(gql, settings, host, brand):
    settings.PROJECT_HOSTS = [host]
    body = gql.execute("{ identity { url version } ppc { url } }", headers={"HTTP_HOST": host})
    assert body["data"]["identity"] == {"url": django_settings.IDENTITY_WIDGET_URLS[brand], "version": "2"}
    assert body["data"]["ppc"] == {"url": django_settings.PPC_URLS[brand]}


@pytest.mark.django_db
def test_category_ids_by_presale_window(gql):
    from monoql.dates import parse_iso

    def campaign(name, status, category, start, end):
        Campaign.objects.create(
            name=name,
            status=status,
            category_id=category,
            date_presale_window_start=parse_iso(start),
            date_presale_window_end=parse_iso(end),
        )

    campaign("in", "OPEN", "C1", "2026-12-10T00:00:00Z", "2026-12-12T00:00:00Z")
    campaign("overlaps", "CLOSED", "C2", "2026-12-01T00:00:00Z", "2026-12-10T12:00:00Z")
    campaign("outside", "OPEN", "C3", "2027-01-10T00:00:00Z", "2027-01-12T00:00:00Z")
    campaign("draft", "DRAFT", "C4", "2026-12-10T00:00:00Z", "2026-12-12T00:00:00Z")
    query = 'query { viewer { campaigns { categoryIds(presaleQueryStartDate: "%s", presaleQueryEndDate: "%s") } } }'
    # when
    body = gql.execute(query % ("2026-12-10T06:00:00Z", "2026-12-11T00:00:00Z"), token=session_token_for("supreme"))
    bad = gql.execute(query % ("soon", "2026-12-11T00:00:00Z"), token=session_token_for("supreme"))
    # then
    assert body["data"]["viewer"]["campaigns"]["categoryIds"] == ["C1", "C2"]
    assert bad["errors"][0]["extensions"]["field"] == "presaleQueryStartDate"
    assert json.dumps(bad["data"]) == '{"viewer": {"campaigns": {"categoryIds": null}}}'
