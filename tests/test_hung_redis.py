"""A hung Redis (issue 36, item 2), through real processes: gunicorn on the test database, with the cache, the rate
limits and the broker on a private Redis the test starts and then freezes with SIGSTOP (it keeps accepting
connections and never answers). A registration made while it hangs is saved and answered as saved, within about
one short timeout; the next requests do not wait on Redis at all (the breaker is open); once Redis answers again,
one probe closes the breaker and the rate limits are back."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Fan
from accounts.tokens import issue_session_token
from bench.registration import UPSERT, _entry
from campaigns.models import CampaignStatus
from entries.models import Entry
from tests.processes import free_port, private_redis, shared_database_url, wait_port

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)


def _post(port: int, body: dict, token: str) -> tuple[float, dict, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Host": "localhost", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:
        return time.monotonic() - started, dict(response.headers), json.loads(response.read())


def test_a_hung_redis_degrades_like_a_stopped_one(demo_campaign, tmp_path):
    # given an open campaign, three signed-in fans, and gunicorn with its cache, rate limits and broker on a
    # private Redis
    demo_campaign.status = CampaignStatus.OPEN
    demo_campaign.save(update_fields=["status"])
    markets = list(demo_campaign.markets.values_list("pk", flat=True))
    fans = [Fan.objects.create(global_user_id=f"hung-{n}", email=f"fan{n}@example.com") for n in range(3)]
    tokens = [issue_session_token(fan.pk, is_supreme=False, permissions={}, tm_sig="").token for fan in fans]
    redis_port, port = free_port(), free_port()
    redis = private_redis(redis_port)
    env = {
        **os.environ,
        "DATABASE_URL": shared_database_url(),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/1",
        "REDIS_BREAKER_SECONDS": "2",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "RATE_LIMIT_ENABLED": "true",
        "DB_CONN_MAX_AGE": "0",
    }
    log = open(tmp_path / "gunicorn.log", "wb")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "monoql.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def register(n: int):
        return _post(port, {"query": UPSERT, "variables": {"c": demo_campaign.pk, "e": _entry(n, markets)}}, tokens[n])

    def read():
        return _post(port, {"query": "query { viewer { isLoggedIn } }"}, tokens[0])

    try:
        wait_port(redis_port)
        wait_port(port)
        seconds, headers, body = register(0)
        assert "errors" not in body and "X-RateLimit-Limit" in headers, body
        # when Redis hangs (SIGSTOP: connections are accepted, nothing is answered)
        os.kill(redis.pid, signal.SIGSTOP)
        hung_seconds, _, hung_body = register(1)
        reads = [read() for _ in range(5)]
        # then the registration is saved and answered as saved within about one short timeout
        assert "errors" not in hung_body, hung_body
        assert hung_body["data"]["upsertViewerEntry"] == {"isLoggedIn": True}
        assert hung_seconds < 2.0, hung_seconds
        assert Entry.objects.filter(campaign=demo_campaign, fan=fans[1]).exists()
        # and the next requests do not wait on Redis: the breaker is open (no rate-limit headers: it fails open)
        assert all("errors" not in body for _, _, body in reads)
        assert max(seconds for seconds, _, _ in reads) < 0.5, [seconds for seconds, _, _ in reads]
        assert all("X-RateLimit-Limit" not in headers for _, headers, _ in reads)
        # when Redis answers again and the breaker's window has passed, then one probe closes it: limits are back
        os.kill(redis.pid, signal.SIGCONT)
        time.sleep(2.5)
        read()
        seconds, headers, body = register(2)
        assert "errors" not in body and "X-RateLimit-Limit" in headers, body
    finally:
        os.kill(redis.pid, signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)
        redis.kill()
        redis.wait(5)
    assert "breaker redis: closed -> open" in (tmp_path / "gunicorn.log").read_text()
