"""One way to write: every admin page writes through the same services as GraphQL (docs/architecture.md).

- every registered ModelAdmin (and inline) is a ServiceAdmin whose writes are exactly the mapped ones;
- deleting a market that fans chose is refused with the service's reason and changes nothing;
- an admin save records the same history rows and outbound events as the GraphQL mutation.
"""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import RequestFactory

from accounts.models import Fan, Supreme
from campaigns.models import Campaign, CampaignStatusChange, Market, OutboundEvent
from entries.models import Entry
from monoql.admin_base import ServiceAdmin, ServiceInline
from monoql.audit import AuditEntry

OUR_APPS = {"monoql", "accounts", "campaigns", "codes", "entries", "selection", "exports"}

#: Model → the writes its admin page offers (each through a service); every other write is refused.
EXPECTED_WRITES = {
    "accounts.Fan": {"change"},
    "accounts.Supreme": {"add", "change"},
    "accounts.CampaignPermission": {"add", "delete"},
    "campaigns.Campaign": {"add", "change"},
    "campaigns.Market": {"add", "change", "delete"},
    "campaigns.Artist": set(),
    "campaigns.Venue": set(),
    "campaigns.Promoter": {"add", "change", "delete"},
    "campaigns.Contact": set(),
    "campaigns.OutboundEvent": set(),
    "codes.Code": set(),
    "codes.CodeAudit": set(),
    "entries.Entry": set(),
    "entries.Invite": set(),
    "entries.BlacklistEntry": set(),
    "entries.ScoredFile": set(),
    "entries.Stat": set(),
    "entries.DoNotSellChange": set(),
    "entries.MailDomain": {"add", "delete"},
    "selection.WavePrep": {"add"},
    "selection.WavePrepFile": set(),
    "selection.Wave": {"add"},
    "exports.Export": {"add"},
    "exports.ExportAccess": set(),
    "monoql.AuditEntry": set(),
    "monoql.Erasure": set(),
}
EXPECTED_INLINE_WRITES = {
    ("accounts.Fan", "CampaignPermission"): {"add", "delete"},
    ("campaigns.Campaign", "CampaignLocale"): {"add", "change", "delete"},
    ("campaigns.Campaign", "Market"): {"add", "change"},
    ("campaigns.Campaign", "CampaignStatusChange"): set(),
    ("campaigns.OutboundEvent", "OutboundDelivery"): set(),
}


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw-Root-123!")


@pytest.fixture
def staff_client(client, superuser):
    client.force_login(superuser)
    return client


def _offered(admin_object, request, obj=None, inline=False):
    checks = {
        "add": admin_object.has_add_permission(request, obj) if inline else admin_object.has_add_permission(request),
        "change": admin_object.has_change_permission(request, obj),
        "delete": admin_object.has_delete_permission(request, obj),
    }
    return {kind for kind, allowed in checks.items() if allowed}


def test_every_model_admin_writes_only_through_mapped_services(superuser):
    # Given a superuser (every Django permission), when each registered admin of our apps is asked what it
    # offers, then it is a ServiceAdmin offering exactly the writes mapped to a service, and its inlines too.
    request = RequestFactory().get("/admin/")
    request.user = superuser
    registered = {
        f"{model._meta.app_label}.{model.__name__}": model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OUR_APPS
    }
    assert set(registered) == set(EXPECTED_WRITES)
    inlines = {}
    for name, model_admin in registered.items():
        assert isinstance(model_admin, ServiceAdmin), name
        assert _offered(model_admin, request) == EXPECTED_WRITES[name], name
        assert {kind for kind, service in model_admin.writes().items() if service} == EXPECTED_WRITES[name], name
        for inline in model_admin.get_inline_instances(request):
            assert isinstance(inline, ServiceInline), (name, inline)
            inlines[(name, inline.model.__name__)] = _offered(inline, request, inline=True)
    assert inlines == EXPECTED_INLINE_WRITES


class _FormReader(HTMLParser):
    """Reads the fields of the admin's main form as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea, self._multiple = {}, None, None, False
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
            else:
                self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self._multiple = "multiple" in a  # a browser sends each selected option, and nothing when none is
            if not self._multiple:
                self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            if self._multiple:
                self.data.setdefault(self._select, []).append(a.get("value", ""))
            else:
                self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def _form_data(client, url) -> dict:
    page = client.get(url)
    assert page.status_code == 200
    reader = _FormReader()
    reader.feed(page.content.decode())
    return reader.data


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def chosen_market(demo_campaign, gql, sign_in):
    """A market of the demo campaign that a fan chose as first choice (through upsertViewerEntry)."""
    market = demo_campaign.markets.order_by("name").first()
    token = sign_in("chooser@example.com")
    body = gql.execute(
        """mutation($c: String!, $e: JSON!) { upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { id } }""",
        {
            "c": demo_campaign.pk,
            "e": {
                "email": "chooser@example.com",
                "phone": "+12125550123",
                "market": market.pk,
                "optional_markets": [],
                "allow_marketing": True,
            },
        },
        token=token,
    )
    assert "errors" not in body, body
    return market


def test_admin_refuses_to_delete_a_market_fans_chose_and_changes_nothing(staff_client, chosen_market):
    # Given a market that one fan chose first
    entry = Entry.objects.get(fan__email="chooser@example.com")
    assert entry.market_0_id == chosen_market.pk
    events_before = OutboundEvent.objects.count()
    # When staff confirm its delete page
    url = f"/admin/campaigns/market/{chosen_market.pk}/delete/"
    response = staff_client.post(url, {"post": "yes"}, follow=True)
    # Then the service's refusal is shown on the market's page and nothing changed
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/admin/campaigns/market/{chosen_market.pk}/change/"
    assert any("MARKET_HAS_ENTRIES" in message for message in _messages(response))
    assert "MARKET_HAS_ENTRIES" in response.content.decode()
    assert Market.objects.filter(pk=chosen_market.pk).exists()
    entry.refresh_from_db()
    assert entry.market_0_id == chosen_market.pk
    assert OutboundEvent.objects.count() == events_before


def test_admin_bulk_delete_with_one_chosen_market_deletes_none(staff_client, chosen_market, demo_campaign):
    # Given one chosen market and one nobody chose
    other = demo_campaign.markets.exclude(pk=chosen_market.pk).order_by("name").first()
    assert not Entry.objects.filter(market_0=other).exists()
    # When staff bulk-delete both from the list
    response = staff_client.post(
        "/admin/campaigns/market/",
        {"action": "delete_selected", "_selected_action": [chosen_market.pk, other.pk], "post": "yes"},
        follow=True,
    )
    # Then the whole delete is refused: both markets stay
    assert response.status_code == 200
    assert any("MARKET_HAS_ENTRIES" in message for message in _messages(response))
    assert Market.objects.filter(pk__in=[chosen_market.pk, other.pk]).count() == 2


def test_admin_deletes_an_unchosen_market_with_the_services_event(staff_client, chosen_market, demo_campaign):
    # Given a market nobody chose
    other = demo_campaign.markets.exclude(pk=chosen_market.pk).order_by("name").first()
    # When staff confirm its delete page
    response = staff_client.post(f"/admin/campaigns/market/{other.pk}/delete/", {"post": "yes"})
    # Then it is gone and the same outbound event as deleteMarket was recorded
    assert response.status_code == 302
    assert not Market.objects.filter(pk=other.pk).exists()
    event = OutboundEvent.objects.filter(event_type="market.deleted").get()
    assert event.market_id == other.pk
    assert event.payload["id"] == other.pk
    # and one audit-log row names the admin user and the door
    row = AuditEntry.objects.get(action="market.delete")
    assert (row.actor_kind, row.channel, row.actor_label, row.campaign_id, row.target) == (
        "staff",
        "admin",
        "root",
        demo_campaign.pk,
        f"market:{other.pk}",
    )


UPSERT_CAMPAIGN = """mutation($c: CampaignInput!) { upsertCampaign(campaign: $c) { id status } }"""


def test_admin_status_change_records_what_the_graphql_mutation_records(staff_client, demo_campaign, gql, sign_in):
    # Given the OPEN demo campaign, a supreme fan, and the admin change form as a browser submits it
    token = sign_in("boss@example.com")
    Supreme.objects.create(fan=Fan.objects.get(email="boss@example.com"))
    url = f"/admin/campaigns/campaign/{demo_campaign.pk}/change/"
    data = _form_data(staff_client, url)
    assert data["status"] == "OPEN"
    # When staff close it in the admin
    before = OutboundEvent.objects.count()
    response = staff_client.post(url, {**data, "status": "CLOSED", "_continue": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    admin_events = list(OutboundEvent.objects.order_by("id")[before:].values_list("event_type", flat=True))
    # And a GraphQL client reopens it
    before = OutboundEvent.objects.count()
    demo_campaign.refresh_from_db()
    close = (demo_campaign.date_presale_window_start - timedelta(hours=1)).isoformat()
    reopen = {"id": demo_campaign.pk, "status": "OPEN", "date": {"close": close}}
    body = gql.execute(UPSERT_CAMPAIGN, {"c": reopen}, token=token)
    assert "errors" not in body, body
    graphql_events = list(OutboundEvent.objects.order_by("id")[before:].values_list("event_type", flat=True))
    # Then both wrote one status-history row and the same outbound events
    changes = list(CampaignStatusChange.objects.filter(campaign=demo_campaign).order_by("id"))
    assert [(c.from_status, c.to_status) for c in changes[-2:]] == [("OPEN", "CLOSED"), ("CLOSED", "OPEN")]
    assert changes[-2].source == "admin:root"
    assert changes[-1].source.startswith("graphql:")
    assert admin_events == graphql_events == ["campaign.updated", "campaign.statusChanged"]
    # and one audit-log row each, through its door, with the status before and after
    rows = AuditEntry.objects.filter(action="campaign.update").order_by("pk")
    assert [(row.channel, row.changes["status"]) for row in rows] == [
        ("admin", ["OPEN", "CLOSED"]),
        ("graphql", ["CLOSED", "OPEN"]),
    ]


def test_the_admin_cannot_open_an_incomplete_campaign(staff_client):
    """seeds use case 2: the admin applies the publish rule; the refusal shows on the form, nothing changes."""
    # Given a DRAFT campaign without markets or content
    campaign = Campaign.objects.create(name="Draft", domain_site="draft.localhost")
    url = f"/admin/campaigns/campaign/{campaign.pk}/change/"
    data = _form_data(staff_client, url)
    # When staff save it with status OPEN
    response = staff_client.post(url, {**data, "status": "OPEN", "_continue": "1"})
    # Then the form comes back with the service's reason and the campaign is still a DRAFT
    assert response.status_code == 200
    assert "CAMPAIGN_NOT_PUBLISHABLE" in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).status == "DRAFT"


def test_a_save_that_makes_a_ready_campaign_due_to_open_now_asks_first(staff_client, demo_campaign):
    """Issue 40: a campaign whose open date had passed opened by itself within a minute of the save that made it ready."""
    # Given the demo campaign in PREVIEW, ready to open, with an open date in the future
    Campaign.objects.filter(pk=demo_campaign.pk).update(status="PREVIEW")
    url = f"/admin/campaigns/campaign/{demo_campaign.pk}/change/"
    data = _form_data(staff_client, url)
    # When staff move its open date to an hour ago and save
    past = {**data, "date_open_0": "2026-01-01", "date_open_1": "10:00:00", "_continue": "1"}
    response = staff_client.post(url, past)
    # Then the form asks first, naming why, and nothing is saved
    assert response.status_code == 200
    assert "opens “Metallica - WorldWired Tour 2017” to fans within a minute" in response.content.decode()
    assert Campaign.objects.get(pk=demo_campaign.pk).date_open is None
    # When they tick the confirmation, then it is saved (and the status refresh will open it)
    confirmed = staff_client.post(url, {**past, "open_now_confirmed": "on"})
    assert confirmed.status_code == 302
    assert Campaign.objects.get(pk=demo_campaign.pk).date_open.isoformat() == "2026-01-01T10:00:00+00:00"


def test_a_market_takes_promoters_from_a_list_and_events_from_the_campaigns_discovery_catalog(
    staff_client, demo_campaign
):
    """Issue 40: market event ids and promoter ids were JSON textareas."""
    from datetime import UTC, datetime

    from campaigns.models import DiscoveryEvent, Market, Promoter

    # Given a promoter, a market of the demo campaign, and an added show of its artist in the Discovery catalog
    promoter = Promoter.objects.create(name="Live Nation")
    DiscoveryEvent.objects.create(
        discovery_id="vvADDED1", name="Added show", attraction_ids=[demo_campaign.artist.discovery_id],
        start=datetime(2027, 5, 1, 1, 0, tzinfo=UTC), document={},
    )  # fmt: skip
    market = Market.objects.filter(campaign=demo_campaign).order_by("name").first()
    url = f"/admin/campaigns/market/{market.pk}/change/"
    page = staff_client.get(url)
    form = page.context["adminform"].form
    other_events = [value for value, _ in form.fields["pick_events"].choices]
    assert "vvADDED1" in other_events and not set(other_events) & set(market.event_ids)
    assert (promoter.pk, "Live Nation") in form.fields["promoter_ids"].choices
    # When staff pick the promoter and one more event, and save
    data = {**_form_data(staff_client, url), "promoter_ids": [promoter.pk], "pick_events": ["vvADDED1"]}
    response = staff_client.post(url, data)
    # Then both are stored as lists
    assert response.status_code == 302, response.context["adminform"].form.errors
    market.refresh_from_db()
    assert market.promoter_ids == [promoter.pk]
    assert market.event_ids[-1] == "vvADDED1" and len(market.event_ids) >= 2


def test_closing_a_campaign_by_hand_keeps_its_scheduled_close_date(staff_client, demo_campaign):
    """Issue 40: "Close now" emptied the close date, losing when the campaign was meant to close."""
    planned = demo_campaign.date_close
    assert demo_campaign.status == "OPEN" and planned is not None
    staff_client.post(f"/admin/campaigns/campaign/{demo_campaign.pk}/status/CLOSED/")
    demo_campaign.refresh_from_db()
    assert (demo_campaign.status, demo_campaign.date_close) == ("CLOSED", planned)
    assert demo_campaign.date_closed is not None
