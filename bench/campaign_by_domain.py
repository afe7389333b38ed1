"""``viewer.campaign(domain:)`` through the real HTTP stack (gunicorn), cached (Redis) vs uncached.

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench REDIS_URL=redis://127.0.0.1:6379/14 \
        .venv/bin/python bench/campaign_by_domain.py [SECONDS] [CLIENTS]

Loads the demo campaign (16 markets, en_US + fr_CA), then for each mode starts gunicorn on a free port
(4 sync workers) and runs CLIENTS concurrent anonymous clients (threads in 2 processes, http.client)
for SECONDS, asking the fan page's query. Modes: ``cached`` (answer cache + campaign cache on Redis) and
``uncached`` (GRAPHQL_RESPONSE_CACHE=false CAMPAIGN_CACHE=false). Prints one JSON line:
{"bench": "campaign_by_domain", "clients": 16, "cached": {"rps", "p50_ms", "p95_ms", "requests", "errors"},
 "uncached": {...}, "speedup": cached rps / uncached rps}.
"""

import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")

QUERY = """
query getCampaign($domain: String!, $locale: String) {
  viewer { campaign(domain: $domain, locale: $locale) {
    id name status
    ... on RegistrationCampaign {
      artist { name image_url } tour { name } domain { site share }
      date { open close presaleWindowStart presaleWindowEnd }
      currentLocale { id } locales { id is_default }
      content { localized { locale value { meta body { started { welcome { header above_button
        sign_in_button_content } registration { header submit_button_content } entry { header main } }
        finished { welcome { header main } } terms { main } } errors { code message } } } }
      preferences { id type is_optional label { localized { locale value } } additional }
      markets { id name city state timezone population point { latitude longitude }
        event { id ids name date presaleDateTime venue { name } } }
      options { requirePassword allowIntlPhones promptConfirmPhone gate { card } }
      eligibility { isEligible reason }
    }
  } }
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _client(port: int, seconds: float, threads: int, out):
    """Run ``threads`` clients for ``seconds``; put (latencies ms, error count) on ``out``.

    A bare ``http.client`` connection per request (gunicorn's sync workers close after each answer):
    the client must cost little CPU, since it shares the machine with the server.
    """
    import http.client

    body = json.dumps({"query": QUERY, "variables": {"domain": "metallica.localhost", "locale": "en_US"}}).encode()
    headers = {"Content-Type": "application/json", "Host": "localhost"}
    latencies, errors = [], [0]
    deadline = time.monotonic() + seconds

    def run():
        while time.monotonic() < deadline:
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("POST", "/graphql", body, headers)
            response = connection.getresponse()
            answer = response.read()
            connection.close()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200 or answer.startswith(b'{"errors"'):
                errors[0] += 1
            latencies.append(elapsed)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put((latencies, errors[0]))


def _measure(mode_env: dict, seconds: float, clients: int) -> dict:
    port = _free_port()
    # One client IP sends everything here: rate limits off (this measures caching, bench/abuse is for limits).
    env = {
        **os.environ,
        **mode_env,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RATE_LIMIT_ENABLED": "false",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "monoql.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        _client(port, 2, 4, multiprocessing.Queue())  # warm up every worker
        processes, queue = 2, multiprocessing.Queue()
        per_process = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
        procs = [multiprocessing.Process(target=_client, args=(port, seconds, n, queue)) for n in per_process if n]
        for proc in procs:
            proc.start()
        results = [queue.get() for _ in procs]
        for proc in procs:
            proc.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = sorted(lat for lats, _ in results for lat in lats)
    return {
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 2),
        "requests": len(latencies),
        "errors": sum(errors for _, errors in results),
    }


def main(seconds: float, clients: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from campaigns.services.demo import load_demo

    call_command("migrate", verbosity=0)
    text = (settings.DISCOVERY_DATA_DIR / "events-page.json").read_text()
    load_demo(text, admin_username="bench", admin_email="bench@example.com", admin_password="bench-pw-123")
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache"), "set REDIS_URL: the cached path is Redis"
    cached = _measure({"GRAPHQL_RESPONSE_CACHE": "true", "CAMPAIGN_CACHE": "true"}, seconds, clients)
    uncached = _measure({"GRAPHQL_RESPONSE_CACHE": "false", "CAMPAIGN_CACHE": "false"}, seconds, clients)
    return {
        "bench": "campaign_by_domain",
        "clients": clients,
        "seconds": seconds,
        "cached": cached,
        "uncached": uncached,
        "speedup": round(cached["rps"] / uncached["rps"], 2) if uncached["rps"] else None,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }


if __name__ == "__main__":
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 15
    concurrency = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    print(json.dumps(main(duration, concurrency)))
