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
def test_the_sink_is_called_outside_any_lock_on_the_event():
    # Given a pending event, and a sink that, while sending, checks from another connection that the row
    # can be locked (so the drain holds no lock on it)
    assert connection.vendor == "postgresql"
    event = OutboundEvent.objects.create(event_type="campaign.updated", campaign_id="c" * 24, payload={})
    seen = {}

    class Probe:
        def send(self, sent):
            def probe():
                other = connections.create_connection("default")
                try:
                    with other.cursor() as cursor:
                        cursor.execute("BEGIN")
                        cursor.execute(
                            "SELECT claimed_until FROM campaigns_outboundevent WHERE id = %s FOR UPDATE NOWAIT",
                            [sent.pk],
                        )
                        seen["claimed"] = cursor.fetchone()[0] is not None
                        cursor.execute("ROLLBACK")
                finally:
                    other.close()

            thread = threading.Thread(target=probe)
            thread.start()
            thread.join(timeout=10)

    # When the drain sends it
    assert drain_outbound_events(sinks=[Probe()]).sent == 1
    # Then the row was claimed (committed) and not locked while the sink ran; it ends dispatched
    assert seen == {"claimed": True}
    event.refresh_from_db()
    assert event.date_dispatched is not None and event.claimed_until is None
