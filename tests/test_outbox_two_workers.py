"""Outbound delivery once per sink (issue 36, item 3), through real processes: two Celery workers drain the outbox
at once, on PostgreSQL, to a webhook that answers slowly and a Slack webhook that accepts connections and never
answers (a hanging sink). Each event reaches the webhook exactly once, with its idempotency key; Slack's deliveries
wait for a retry without the webhook sending anything again.

The broker is a private Redis the test starts itself; the workers use the test database.
"""

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from campaigns.models import OutboundDelivery, OutboundEvent
from tests.processes import free_port, private_redis, shared_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
EVENTS = 6


@pytest.fixture
def sinks():
    """A webhook taking 0.3 s per event (so the two workers overlap) and a Slack webhook that never answers."""
    received: list = []
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.path == "/slack":
                release.wait(30)  # accepts, never answers in time
                return
            time.sleep(0.3)
            received.append((self.headers["Idempotency-Key"], json.loads(body)["id"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", received
    release.set()
    server.shutdown()


def test_two_workers_at_once_deliver_each_event_once_per_sink_with_slack_hanging(sinks, tmp_path):
    # given six opening events (the webhook and Slack take them), a private broker and two Celery workers
    base, received = sinks
    events = [
        OutboundEvent.objects.create(
            event_type="campaign.statusChanged", campaign_id=f"{n:024x}", payload={"to": "OPEN", "name": f"Tour {n}"}
        )
        for n in range(EVENTS)
    ]
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": shared_database_url(),
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0",
        "REDIS_URL": "",
        "OUTBOUND_SINKS": "webhook",
        "OUTBOUND_WEBHOOK_URL": f"{base}/hook",
        "SLACK_WEBHOOK_URL": f"{base}/slack",
        "OUTBOUND_TIMEOUT_SECONDS": "1",
        "PYTHONPATH": str(ROOT),
    }
    redis = private_redis(port)
    workers = []
    try:
        for n in range(2):
            log = open(tmp_path / f"worker-{n}.log", "wb")
            workers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "monoql",
                        "worker",
                        "-P",
                        "solo",
                        "-n",
                        f"drain{n}@%h",
                        "--without-mingle",
                        "--without-gossip",
                        "--loglevel=INFO",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        client = subprocess.run(
            [
                sys.executable,
                "-c",
                "from monoql.celery import app\nfor _ in range(4): app.send_task('campaigns.drain_outbound_events')",
            ],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "monoql.settings"},
            check=True,
            timeout=60,
        )
        assert client.returncode == 0
        # when both workers drain at once, until every webhook delivery is done
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if OutboundDelivery.objects.filter(sink="webhook", date_delivered__isnull=False).count() == EVENTS:
                break
            time.sleep(0.5)
        time.sleep(2)  # a late double delivery would land here
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(20)
        redis.kill()
        redis.wait(5)
    logs = "".join((tmp_path / f"worker-{n}.log").read_text() for n in range(2))
    # then both workers drained (each ran a drain task)
    assert logs.count("campaigns.drain_outbound_events") >= 4 and "drain0@" in logs and "drain1@" in logs
    # and the webhook got each event exactly once, keyed by its id
    ids = [event.pk for event in events]
    assert Counter(event_id for _, event_id in received) == Counter(ids)
    assert sorted(key for key, _ in received) == sorted(f"monoql-event-{pk}" for pk in ids)
    # and Slack, which never answered, holds every event for a retry, having been tried at most once per drain
    slack = OutboundDelivery.objects.filter(sink="slack")
    assert slack.count() == EVENTS and not slack.filter(date_delivered__isnull=False).exists()
    assert sum(slack.values_list("attempts", flat=True)) <= 4
    assert set(slack.exclude(attempts=0).values_list("last_error", flat=True)) <= {
        f"slack: ReadTimeout: HTTPConnectionPool(host='127.0.0.1', port={base.rsplit(':', 1)[1]}): Read timed out."
        " (read timeout=1.0)"
    }
    assert not OutboundEvent.objects.filter(pk__in=ids, date_dispatched__isnull=False).exists()
