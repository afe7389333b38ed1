"""The outbox (faults round two, item 5): claimed and committed before sending, sent outside any lock,
retried with exponential backoff, dead letters listed for an operator."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from campaigns.models import OutboundEvent
from campaigns.services.outbox import MAX_ATTEMPTS, backoff_seconds, drain_outbound_events, record_event


class Failing:
    def send(self, event):
        raise ConnectionError("sink down")


@pytest.mark.django_db
def test_failures_back_off_exponentially_then_become_dead_letters(admin_client):
    # Given an event whose sink keeps failing
    event = record_event("campaign.updated", campaign_id="b" * 24, payload={})
    now = timezone.now()
    waits = []
    # When drains run each time the event is due again
    for _ in range(MAX_ATTEMPTS):
        assert drain_outbound_events(sinks=[Failing()], now=now).failed == 1
        assert drain_outbound_events(sinks=[Failing()], now=now).failed == 0  # not due yet: no hammering
        event.refresh_from_db()
        waits.append(round((event.next_attempt_at - now).total_seconds()))
        now = event.next_attempt_at
    # Then the waits double up to the cap, and the event is a dead letter no drain picks up
    assert waits == [backoff_seconds(n) for n in range(1, MAX_ATTEMPTS + 1)]
    assert waits[:4] == [30, 60, 120, 240] and max(waits) == 3600
    assert drain_outbound_events(sinks=[Failing()], now=now + timedelta(days=1)).failed == 0
    page = admin_client.get("/admin/campaigns/outboundevent/?delivery=dead").content.decode()
    assert "sink down" in page and f">{event.pk}<" in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_sink_sends_holding_its_delivery_not_the_event():
    # Given a pending event, and a sink that, while sending, looks from another connection at the event's row and
    # at its delivery row
    assert connection.vendor == "postgresql"
    event = OutboundEvent.objects.create(event_type="campaign.updated", campaign_id="c" * 24, payload={})
    seen = {}

    class Probe:
        name = "probe"

        def send(self, sent):
            def probe():
                other = connections.create_connection("default")
                try:
                    with other.cursor() as cursor:
                        cursor.execute("BEGIN")
                        cursor.execute(
                            "SELECT id FROM campaigns_outboundevent WHERE id = %s FOR UPDATE NOWAIT", [sent.pk]
                        )
                        seen["event free"] = cursor.fetchone()[0] == sent.pk
                        cursor.execute(
                            "SELECT count(*) FROM (SELECT id FROM campaigns_outbounddelivery WHERE event_id = %s"
                            " FOR UPDATE SKIP LOCKED) q",
                            [sent.pk],
                        )
                        seen["delivery claimable"] = cursor.fetchone()[0] == 1
                        cursor.execute("ROLLBACK")
                finally:
                    other.close()

            thread = threading.Thread(target=probe)
            thread.start()
            thread.join(timeout=10)

    # When the drain sends it
    assert drain_outbound_events(sinks=[Probe()]).sent == 1
    # Then the event row stayed free (campaign writes never wait on a sink) while its delivery was held (another
    # drain skips it); it ends delivered and dispatched
    assert seen == {"event free": True, "delivery claimable": False}
    event.refresh_from_db()
    assert event.date_dispatched is not None
    assert list(event.deliveries.values_list("sink", "attempts")) == [("probe", 1)]


class Recording:
    def __init__(self, name):
        self.name, self.sent, self.down = name, [], False

    def send(self, event):
        if self.down:
            raise ConnectionError(f"{self.name} down")
        self.sent.append(event.pk)


@pytest.mark.django_db
def test_a_sink_down_is_retried_alone_and_the_others_never_send_again():
    # given two events, a webhook that works and a Slack that is down
    first = record_event("campaign.updated", campaign_id="d" * 24, payload={})
    second = record_event("campaign.updated", campaign_id="e" * 24, payload={})
    webhook, slack = Recording("webhook"), Recording("slack")
    slack.down = True
    now = timezone.now()
    # when a drain runs, Slack comes back, and drains run after the backoff
    down = drain_outbound_events(sinks=[webhook, slack], now=now)
    slack.down = False
    later = drain_outbound_events(sinks=[webhook, slack], now=now + timedelta(minutes=5))
    again = drain_outbound_events(sinks=[webhook, slack], now=now + timedelta(hours=2))
    # then the webhook got each event once, Slack each once after its retry; Slack was tried once while down
    assert (webhook.sent, slack.sent) == ([first.pk, second.pk], [first.pk, second.pk])
    assert (down.sent, down.failed, later.sent, later.failed, again.sent) == (2, 1, 2, 0, 0)
    assert OutboundEvent.objects.filter(pk__in=[first.pk, second.pk], date_dispatched__isnull=False).count() == 2
