"""uploadImage, password-protected campaigns, the campaign read caches, outbound events and their sinks."""

import base64
import io
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.storage import storages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from campaigns.models import Campaign, CampaignLocale, OutboundEvent
from campaigns.services.lifecycle import refresh_campaign_statuses
from campaigns.services.outbox import drain_outbound_events, record_event
from campaigns.sinks import SlackSink, WebhookSink
from conftest import TEST_ACTOR, publishable, session_token_for
from monoql.graphql import view

UPLOAD = """
mutation admin_uploadImage($b: String!, $t: String!, $n: String) {
  uploadImage(base64: $b, contentType: $t, fileName: $n, cacheControl: "max-age=60") { url name width height }
}
"""


def _png(width=3, height=2, fmt="PNG"):
    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, format=fmt)
    return base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "images": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    storages._storages.pop("images", None)
    yield tmp_path
    storages._storages.pop("images", None)


@pytest.mark.django_db
def test_upload_image_stores_and_returns_its_size(gql, media):
    # when
    body = gql.execute(
        UPLOAD, {"b": _png(), "t": "image/png", "n": "Hero Banner.png"}, token=session_token_for("supreme")
    )
    # then
    image = body["data"]["uploadImage"]
    assert (image["width"], image["height"]) == (3, 2)
    assert image["name"].startswith("hero-banner_") and image["name"].endswith(".png")
    assert image["url"] == f"http://testserver/media/images/{image['name']}"
    assert (media / "images" / image["name"]).read_bytes() == base64.b64decode(_png())
    served = gql.client.get(f"/media/images/{image['name']}")
    assert served.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,kind,reason,field",
    [
        (_png(fmt="GIF"), "image/png", "INVALID_IMAGE_TYPE", "contentType"),
        (_png(), "image/svg+xml", "INVALID_IMAGE_TYPE", "contentType"),
        ("not base64!!", "image/png", "INVALID_IMAGE", "base64"),
        (base64.b64encode(b"hello").decode(), "image/png", "INVALID_IMAGE", "base64"),
        (base64.b64encode(b"x" * 2048).decode(), "image/png", "IMAGE_TOO_LARGE", "base64"),
    ],
    ids=["gif declared png", "svg", "not base64", "not an image", "too large"],
)
def test_bad_images_are_refused_and_nothing_is_stored(gql, media, settings, data, kind, reason, field):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1024
    body = gql.execute(UPLOAD, {"b": data, "t": kind}, token=session_token_for("supreme"))
    assert body["errors"][0]["extensions"] == {"code": "VALIDATION_ERROR", "reason": reason, "field": field}
    assert not (media / "images").exists()


CAMPAIGN = 'query C($p: String) { viewer { campaign(domain: "secret.localhost", password: $p) { id name } } }'


@pytest.fixture
def protected(db):
    campaign = Campaign.objects.create(
        name="Secret",
        status="OPEN",
        domain_site="secret.localhost",
        options={"requirePassword": True, "passwordValue": "open-sesame"},
    )
    CampaignLocale.objects.create(campaign=campaign, locale="en_US", is_default=True)
    return campaign


@pytest.mark.django_db
def test_password_is_checked_and_remembered_in_a_signed_cookie(gql, protected, settings):
    # when
    without = gql.execute(CAMPAIGN)
    wrong = gql.execute(CAMPAIGN, {"p": "guess"})
    right = gql.execute(CAMPAIGN, {"p": "open-sesame"})
    remembered = gql.execute(CAMPAIGN)
    # then
    assert without["errors"][0]["extensions"]["reason"] == "INVALID_CAMPAIGN_PASSWORD"
    assert wrong["errors"][0]["extensions"] == {
        "code": "FORBIDDEN",
        "reason": "INVALID_CAMPAIGN_PASSWORD",
        "field": "password",
    }
    cookie = right["_response"].cookies[settings.CAMPAIGN_PASSWORD_COOKIE]
    assert cookie["httponly"] is True and "open-sesame" not in cookie.value
    assert remembered["data"]["viewer"]["campaign"]["name"] == "Secret"
    # and a changed password forgets the browser
    Campaign.objects.filter(pk=protected.pk).update(options={"requirePassword": True, "passwordValue": "new"})
    from campaigns.cache import bump_generation

    bump_generation()
    assert gql.execute(CAMPAIGN)["errors"][0]["extensions"]["reason"] == "INVALID_CAMPAIGN_PASSWORD"


PAGE = (
    '{ viewer { campaign(domain: "metallica.localhost") { name ... on RegistrationCampaign { markets { name } } } } }'
)


@pytest.mark.django_db
def test_anonymous_page_is_answered_from_cache_until_a_write(gql, demo_campaign):
    # given
    first = gql.execute(PAGE)
    # when
    with CaptureQueriesContext(connection) as cached_queries:
        second = gql.execute(PAGE)
    gql.execute(
        "mutation U($c: CampaignInput!) { upsertCampaign(campaign: $c) { id } }",
        {"c": {"id": demo_campaign.pk, "name": "Renamed tour"}},
        token=session_token_for("supreme"),
    )
    after_write = gql.execute(PAGE)
    # then
    assert len(cached_queries) == 0
    assert first["data"] == second["data"]
    assert after_write["data"]["viewer"]["campaign"]["name"] == "Renamed tour"
    assert len(after_write["data"]["viewer"]["campaign"]["markets"]) == 16


@pytest.mark.django_db
def test_admin_style_orm_save_also_invalidates(gql, demo_campaign):
    gql.execute(PAGE)
    campaign = Campaign.objects.get(pk=demo_campaign.pk)
    campaign.name = "Saved in the admin"
    campaign.save()
    assert gql.execute(PAGE)["data"]["viewer"]["campaign"]["name"] == "Saved in the admin"


@pytest.mark.django_db
def test_signed_in_answers_are_never_cached(gql, demo_campaign, count_calls):
    # (Counted by GraphQL executions: with the fan and the campaign cached, a signed-in answer of this page
    # may cost no query at all, so the query count no longer tells.)
    executions = count_calls(view, "execute")
    token = session_token_for("fan")
    gql.execute(PAGE, token=token)
    gql.execute(PAGE, token=token)
    assert len(executions) == 2


@pytest.mark.django_db
def test_lifecycle_transition_records_a_status_event(db):
    now = timezone.now()
    publishable(
        Campaign.objects.create(
            name="Opening",
            domain_site="o.localhost",
            date_open=now,
            date_close=now + timedelta(days=30),
            slack={"noAlert": False},
            preferences=[{"id": "email", "type": "email", "is_optional": False, "label": {"en_US": "Email"}}],
        )
    )
    refresh_campaign_statuses(now=now, actor=TEST_ACTOR)
    event = OutboundEvent.objects.get(event_type="campaign.statusChanged")
    assert event.payload == {
        "from": "DRAFT",
        "to": "OPEN",
        "name": "Opening",
        "domain": "o.localhost",
        "noAlert": False,
    }


@pytest.fixture
def receiver():
    """A real HTTP endpoint recording POSTed JSON bodies and headers; answers 500 while ``fail`` is set."""
    received, state = [], {"fail": False}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), json.loads(body)))
            self.send_response(500 if state["fail"] else 204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received, state
    server.shutdown()


@pytest.mark.django_db
def test_drain_sends_each_event_once_and_retries_failures(receiver):
    # given
    url, received, state = receiver
    sink = WebhookSink(url, secret="s3cret")
    event = record_event("campaign.updated", campaign_id="a" * 24, payload={"name": "X"})
    # when: the endpoint fails, then recovers
    state["fail"] = True
    failed = drain_outbound_events(sinks=[sink])
    state["fail"] = False
    later = timezone.now() + timedelta(minutes=5)  # past the first retry's backoff (30 s)
    sent = drain_outbound_events(sinks=[sink], now=later)
    nothing = drain_outbound_events(sinks=[sink], now=later)
    # then
    assert (failed.sent, failed.failed, sent.sent, nothing.sent) == (0, 1, 1, 0)
    headers, body = received[-1]
    assert body["type"] == "campaign.updated" and body["payload"] == {"name": "X"} and body["id"] == event.pk
    assert headers["X-Monoql-Signature"].startswith("sha256=")
    event.refresh_from_db()
    assert event.attempts == 2 and event.date_dispatched is not None and "500" in event.last_error


@pytest.mark.django_db
def test_slack_announces_openings_only(receiver, settings):
    url, received, _ = receiver
    settings.SLACK_WEBHOOK_URL = url  # campaigns without a mapped channel fall back to the global webhook
    sink = SlackSink()
    record_event(
        "campaign.statusChanged", campaign_id="a" * 24, payload={"to": "OPEN", "name": "Tour", "domain": "t.io"}
    )
    record_event("campaign.statusChanged", campaign_id="b" * 24, payload={"to": "CLOSED", "name": "Old"})
    record_event(
        "campaign.statusChanged", campaign_id="c" * 24, payload={"to": "OPEN", "name": "Quiet", "noAlert": True}
    )
    drain_outbound_events(sinks=[sink])
    assert [body for _, body in received] == [{"text": ":tada: Campaign *Tour* is now OPEN on https://t.io"}]


@pytest.mark.django_db
def test_sqs_sink_sends_the_event_document():
    import boto3
    from moto import mock_aws

    from campaigns.sinks import SqsSink

    with mock_aws():
        client = boto3.client("sqs", region_name="us-east-1")
        queue_url = client.create_queue(QueueName="campaign-events")["QueueUrl"]
        event = record_event("market.deleted", campaign_id="a" * 24, market_id="b" * 24, payload={"name": "M"})
        # when
        result = drain_outbound_events(sinks=[SqsSink(queue_url, region="us-east-1")])
        # then
        messages = client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert result.sent == 1
    assert [json.loads(m["Body"]) for m in messages] == [
        {
            "id": event.pk,
            "type": "market.deleted",
            "campaignId": "a" * 24,
            "marketId": "b" * 24,
            "date": event.date_created.isoformat().replace("+00:00", "Z"),
            "payload": {"name": "M"},
        }
    ]


@pytest.mark.django_db(transaction=True)
def test_committed_events_are_drained_after_commit():
    from django.db import transaction

    # when: an event is recorded in a transaction that commits (tasks run eagerly in tests)
    with transaction.atomic():
        event = record_event("campaign.updated", campaign_id="a" * 24, payload={})
        assert OutboundEvent.objects.get(pk=event.pk).date_dispatched is None
    # then: the drain task queued on commit has sent it
    assert OutboundEvent.objects.get(pk=event.pk).date_dispatched is not None
