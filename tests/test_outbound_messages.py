"""Outbound messages (issue 24, points 3 and 4): Slack to each campaign's own channels — stats posts and
opening alerts — reaching a local webhook receiver the test starts, ``noAlert`` respected; and a CDN purge
by surrogate key after a campaign's content or domain changes, with the keys the fan site's pages carry."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from campaigns import cdn
from campaigns.models import Campaign, CampaignStatus, OutboundEvent
from campaigns.services.lifecycle import DEACTIVATE_AFTER, refresh_campaign_statuses
from campaigns.services.outbox import drain_outbound_events
from campaigns.services.upsert_campaign import upsert_campaign
from campaigns.sinks import configured_sinks
from conftest import TEST_ACTOR
from entries.models import Entry
from entries.selection.tests.selection_factory import add_entries
from entries.services.slack_stats import post_campaign_stats

pytestmark = pytest.mark.django_db


@pytest.fixture
def slack():
    """Two local Slack incoming webhooks: the campaign's channel and the global fallback."""
    received = {"channel": [], "global": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received[self.path.strip("/")].append(body["text"])
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", received
    server.shutdown()


def test_stats_posts_reach_the_campaigns_own_channel_and_no_alert_silences_them(demo_campaign, slack, settings):
    # given the campaign's stats channel mapped to a webhook, a global fallback, and 3 registrations
    base, received = slack
    settings.SLACK_CHANNEL_WEBHOOKS = {"#Tour-Stats": f"{base}/channel"}
    settings.SLACK_WEBHOOK_URL = f"{base}/global"
    demo_campaign.status = CampaignStatus.OPEN
    demo_campaign.slack = {"channels": {"stats": ["tour-stats"]}, "noAlert": False}
    demo_campaign.save()
    market = demo_campaign.markets.order_by("name").first()
    add_entries(demo_campaign, [((market.pk,), 0.5, True)] * 3)
    # when the beat posts stats and the outbox drains
    assert post_campaign_stats() == [demo_campaign.pk]
    drain_outbound_events(sinks=configured_sinks())
    # then the campaign's channel got the stats, the global channel nothing
    assert len(received["channel"]) == 1 and received["global"] == []
    text = received["channel"][0]
    assert text.startswith(f":bar_chart: *{demo_campaign.name}* — 3 registrations, 3 verified")
    assert f"• {market.name}: 3 (first choice 3)" in text
    # and with noAlert, nothing is posted at all
    demo_campaign.slack = {"channels": {"stats": ["tour-stats"]}, "noAlert": True}
    demo_campaign.save()
    assert post_campaign_stats() == []
    assert Entry.objects.filter(campaign=demo_campaign).count() == 3


def test_an_opening_alert_goes_to_the_campaign_channel_when_mapped_else_to_the_global_one(
    demo_campaign, slack, settings
):
    base, received = slack
    settings.SLACK_CHANNEL_WEBHOOKS = {"tour-stats": f"{base}/channel"}
    settings.SLACK_WEBHOOK_URL = f"{base}/global"
    demo_campaign.slack = {"channels": {"stats": ["#tour-stats"]}}
    demo_campaign.status = CampaignStatus.DRAFT
    demo_campaign.save()
    upsert_campaign({"id": demo_campaign.pk, "status": "OPEN"}, actor=TEST_ACTOR)
    assert OutboundEvent.objects.filter(event_type="campaign.statusChanged", payload__to="OPEN").count() == 1
    drain_outbound_events(sinks=configured_sinks())
    assert received["channel"] == [
        f":tada: Campaign *{demo_campaign.name}* is now OPEN on https://{demo_campaign.domain_site}"
    ]
    assert received["global"] == []


class RecordingPurger:
    def __init__(self):
        self.calls = []

    def purge(self, keys):
        self.calls.append(keys)


def test_a_content_change_purges_the_campaigns_pages_by_the_keys_they_carry(
    demo_campaign, monkeypatch, settings, django_capture_on_commit_callbacks
):
    # given a purger in front of the fan site, and the landing page's surrogate keys
    settings.CDN_PURGE = "fastly"
    recorder = RecordingPurger()
    monkeypatch.setattr(cdn, "purger", lambda: recorder)
    page = Client(HTTP_HOST=demo_campaign.domain_site).get("/")
    keys = page["Surrogate-Key"].split()
    assert keys == [f"campaign-{demo_campaign.pk}", f"domain-{demo_campaign.domain_site}"]
    # when staff change the page copy
    with django_capture_on_commit_callbacks(execute=True):
        upsert_campaign({"id": demo_campaign.pk, "name": "Renamed Tour"}, actor=TEST_ACTOR)
    # then, after the commit, exactly those keys are purged, once (the outbox's CDN sink, never the request)
    assert recorder.calls == [keys]
    assert OutboundEvent.objects.filter(event_type="cdn.purge", date_dispatched__isnull=True).count() == 0


def test_the_scheduled_refresh_purges_the_pages_of_the_campaigns_it_closes_and_deactivates(
    demo_campaign, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """Catalog §3.7.4 ``refreshCampaignStatuses`` (decisions.md "Outbound messages and privacy"): every status or
    domain change purges the campaign's pages, the scheduled refresh's included (its updates send no signals)."""
    # given an open campaign with a site domain, due to close, and a purger in front of the site
    settings.CDN_PURGE = "fastly"
    recorder = RecordingPurger()
    monkeypatch.setattr(cdn, "purger", lambda: recorder)
    keys = [f"campaign-{demo_campaign.pk}", f"domain-{demo_campaign.domain_site}"]
    now = demo_campaign.date_created
    Campaign.objects.filter(pk=demo_campaign.pk).update(date_close=now)
    # when the refresh closes it, and later deactivates it (releasing its domain)
    with django_capture_on_commit_callbacks(execute=True):
        closed = refresh_campaign_statuses(now=now, actor=TEST_ACTOR).closed
    with django_capture_on_commit_callbacks(execute=True):
        deactivated = refresh_campaign_statuses(now=now + DEACTIVATE_AFTER, actor=TEST_ACTOR).deactivated
    # then each change purged the pages under the campaign's keys, the released domain's included
    assert (closed, deactivated) == ([demo_campaign.pk], [demo_campaign.pk])
    assert recorder.calls == [keys, keys]
    assert Campaign.objects.get(pk=demo_campaign.pk).domain_site is None


def test_a_failing_purge_never_fails_the_write(
    demo_campaign, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.CDN_PURGE = "fastly"

    class Broken:
        def purge(self, keys):
            raise ConnectionError("cdn down")

    monkeypatch.setattr(cdn, "purger", lambda: Broken())
    with django_capture_on_commit_callbacks(execute=True):
        upsert_campaign({"id": demo_campaign.pk, "name": "Still Saved"}, actor=TEST_ACTOR)
    demo_campaign.refresh_from_db()
    assert demo_campaign.name == "Still Saved"
    # and the purge waits in the outbox for a retry, while the campaign's other events went out
    purge = OutboundEvent.objects.get(event_type="cdn.purge")
    assert (purge.date_dispatched, purge.attempts, purge.last_error) == (None, 1, "cdn: ConnectionError: cdn down")
    assert not OutboundEvent.objects.exclude(event_type="cdn.purge").filter(date_dispatched__isnull=True).exists()
