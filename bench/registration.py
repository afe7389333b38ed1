"""Registration throughput over HTTP: signed-in fans call ``upsertViewerEntry`` against gunicorn (2 sync
workers) + PostgreSQL on this machine, and, in the same run, a plain Django view inserting the same rows over
the same HTTP stack (the machine's ceiling).

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench REDIS_URL=redis://127.0.0.1:6379/14 \\
       .venv/bin/python bench/registration.py [SECONDS=60] [CLIENTS=16] [WORKERS=2]
Prints one JSON line: {"bench": "registration", "graphql": {rps, per_minute, p50_ms, p95_ms, p99_ms,
errors, error_rate}, "plain": {...}, "ratio": graphql rps / plain rps, "profile_top": [[function,
cumulative share], ...] (in-process cProfile of 300 upserts), ...}.
"""

import cProfile
import json
import multiprocessing
import os
import pstats
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

UPSERT = (
    "mutation entry_submitRegistration($c: String!, $e: JSON!) "
    '{ upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { isLoggedIn } }'
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _entry(n: int, market_ids: list[str]) -> dict:
    ranked = [market_ids[(n + k) % len(market_ids)] for k in range(3)]
    return {
        "email": f"fan{n}@example.com",
        "phone": f"+1212{5550000 + n % 10000:07d}",
        "market": ranked[0],
        "optional_markets": ranked[1:],
        "allow_marketing": True,
    }


def _client(port, path, jobs, seconds, threads, out):
    """Send ``jobs`` (token, body) in ``threads`` threads for at most ``seconds``; put (latencies, errors)."""
    import http.client

    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + seconds
    jobs = list(jobs)

    def run():
        while time.monotonic() < deadline:
            with lock:
                if not jobs:
                    return
                token, body = jobs.pop()
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            connection.request("POST", path, body, headers)
            response = connection.getresponse()
            answer = response.read()
            connection.close()
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status != 200 or b'"errors"' in answer:
                errors[0] += 1

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    out.put((latencies, errors[0]))


def _serve(settings_module: str, workers: int):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(ROOT),
        # Production queues receipts to a broker; without one, Celery runs them eagerly inside the request.
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL", ""),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "monoql.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers)]
        + ["--threads", os.environ.get("BENCH_THREADS", "1"), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _measure(settings_module, path, jobs, seconds, clients, workers) -> dict:
    server, port = _serve(settings_module, workers)
    try:
        warm, jobs = jobs[:20], jobs[20:]
        _client(port, path, warm, 10, 2, multiprocessing.Queue())
        processes, queue = 2, multiprocessing.Queue()
        share = [jobs[i::processes] for i in range(processes)]
        per_process = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
        started = time.monotonic()
        procs = [
            multiprocessing.Process(target=_client, args=(port, path, share[i], seconds, per_process[i], queue))
            for i in range(processes)
        ]
        for proc in procs:
            proc.start()
        results = [queue.get() for _ in procs]
        for proc in procs:
            proc.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = sorted(lat for lats, _ in results for lat in lats)
    errors = sum(e for _, e in results)
    rps = len(latencies) / elapsed
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 1),
        "rps": round(rps, 1),
        "per_minute": round(rps * 60),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1),
        "errors": errors,
        "error_rate": round(errors / len(latencies), 4) if latencies else None,
    }


def _profile(campaign, fans, market_ids) -> list:
    """cProfile 300 in-process upserts; return the top functions by cumulative time share."""
    from django.test import Client

    from accounts.tokens import issue_session_token

    client = Client()
    calls = []
    for n, fan in enumerate(fans):
        token = issue_session_token(fan.pk, is_supreme=False, permissions={}, tm_sig="").token
        body = json.dumps({"query": UPSERT, "variables": {"c": campaign.pk, "e": _entry(n, market_ids)}})
        calls.append((token, body))
    profiler = cProfile.Profile()
    profiler.enable()
    for token, body in calls:
        client.post(
            "/graphql",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_HOST="localhost",
        )
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(stats.total_tt, 1e-9)
    wanted = {
        "psycopg execute (SQL)": ("cursor.py", "execute"),
        "graphql validate": ("validate.py", "validate"),
        "graphql parse": ("parser.py", "parse"),
        "upsert_entry service": ("upsert_entry.py", "upsert_entry"),
        "form validation": ("validation.py", "validate_entry_fields"),
        "jwt decode": ("api_jwt.py", "decode"),
        "django middleware + view": ("base.py", "_get_response"),
        "json encode response": ("encoder.py", "encode"),
    }
    found = {}
    for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items():
        for label, (file_end, func) in wanted.items():
            if filename.endswith(file_end) and name == func:
                found[label] = max(found.get(label, 0), cumulative)
    return sorted(([label, round(value / total, 3)] for label, value in found.items()), key=lambda row: -row[1])


def demo_campaign_with_fans(count: int):
    """The demo campaign (OPEN, no entries) and ``count`` bench fans: ``(campaign, market ids, [Fan])``."""
    from django.conf import settings
    from django.core.management import call_command

    from accounts.models import Fan
    from campaigns.models import Campaign, CampaignStatus
    from campaigns.services.demo import load_demo
    from entries.models import Entry

    call_command("migrate", verbosity=0)
    text = (settings.DISCOVERY_DATA_DIR / "events-page.json").read_text()
    campaign = load_demo(
        text, admin_username="bench", admin_email="bench@example.com", admin_password="bench-pw-1"
    ).campaign
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.OPEN)
    Entry.objects.filter(campaign=campaign).delete()
    existing = Fan.objects.filter(global_user_id__startswith="bench-fan-").count()
    Fan.objects.bulk_create(
        [Fan(global_user_id=f"bench-fan-{n}", email=f"fan{n}@example.com") for n in range(existing, count)],
        batch_size=5000,
    )
    fans = list(Fan.objects.filter(global_user_id__startswith="bench-fan-").order_by("pk")[:count])
    return campaign, list(campaign.markets.values_list("pk", flat=True)), fans


def main(seconds: float, clients: int, workers: int) -> dict:
    import django

    django.setup()
    from django.conf import settings

    from accounts.tokens import issue_session_token
    from entries.models import Entry

    needed = int(seconds * 600) + 400
    campaign, market_ids, fans = demo_campaign_with_fans(needed * 2)

    def jobs(subset, path_body):
        out = []
        for n, fan in enumerate(subset):
            token = issue_session_token(fan.pk, is_supreme=False, permissions={}, tm_sig="").token
            out.append((token, path_body(n)))
        return out

    graphql_jobs = jobs(
        fans[:needed],
        lambda n: json.dumps({"query": UPSERT, "variables": {"c": campaign.pk, "e": _entry(n, market_ids)}}),
    )
    plain_jobs = jobs(fans[needed:], lambda n: json.dumps({"campaignId": campaign.pk, "entry": _entry(n, market_ids)}))
    graphql = _measure("monoql.settings", "/graphql", graphql_jobs, seconds, clients, workers)
    Entry.objects.filter(campaign=campaign).delete()
    plain = _measure("bench.plain_settings", "/plain-register", plain_jobs, seconds, clients, workers)
    Entry.objects.filter(campaign=campaign).delete()
    profile = _profile(campaign, fans[:300], market_ids)
    Entry.objects.filter(campaign=campaign).delete()
    return {
        "bench": "registration",
        "seconds": seconds,
        "clients": clients,
        "gunicorn_workers": workers,
        "graphql": graphql,
        "plain": plain,
        "ratio": round(graphql["rps"] / plain["rps"], 2) if plain["rps"] else None,
        "profile_top": profile,
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }


if __name__ == "__main__":
    args = sys.argv[1:]
    print(
        json.dumps(
            main(
                float(args[0]) if args else 60,
                int(args[1]) if len(args) > 1 else 16,
                int(args[2]) if len(args) > 2 else 2,
            )
        )
    )
