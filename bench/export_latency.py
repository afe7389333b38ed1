"""Registration latency while a 500,000-row ``entries`` export runs on a real Celery worker.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench REDIS_URL=redis://127.0.0.1:6379/14 \\
       .venv/bin/python bench/export_latency.py [SECONDS=20] [CLIENTS=4]
Starts gunicorn (2 workers) and one Celery worker (broker = REDIS_URL), measures registrations for SECONDS
idle, then queues the export and measures the same load for SECONDS while it runs (the export must outlast
the window: ``export_still_running_at_end``). Prints one JSON line:
{"bench": "export_latency", "idle": {...}, "during_export": {...}, "p95_ratio", "export_seconds"}.
Requirement: p95 during the export within 1.5x of idle.
"""

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")

from loadgen import serve  # noqa: E402
from registration import BENCH_SETTINGS, UPSERT, _entry  # noqa: E402

ENTRIES = 500_000


def _client(port, path, jobs, seconds, threads, out):
    """Python clients (this bench measures latency beside an export, not throughput): Send ``jobs`` (token, body) in ``threads`` threads for at most ``seconds``; put (latencies, errors)."""
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


def _summary(results, seconds):
    import statistics

    latencies = sorted(lat for lats, _ in results for lat in lats)
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
        "errors": sum(e for _, e in results),
    }


def _load(port, jobs, seconds, clients):
    queue = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_client, args=(port, "/graphql", jobs, seconds, clients, queue))
    started = time.monotonic()
    proc.start()
    result = queue.get()
    proc.join()
    return [result], time.monotonic() - started


def main(seconds: float, clients: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from metrics import main as ensure_campaign

    from accounts.models import Fan
    from accounts.tokens import issue_session_token
    from campaigns.models import Campaign, CampaignStatus
    from campaigns.services.demo import load_demo
    from entries.models import Entry
    from exports.models import Export
    from monoql.audit import Actor

    broker = os.environ.get("CELERY_BROKER_URL") or os.environ["REDIS_URL"]
    if not Campaign.objects.filter(name=f"bench-metrics-{ENTRIES}").exists():
        ensure_campaign(ENTRIES)
    big = Campaign.objects.get(name=f"bench-metrics-{ENTRIES}")
    text = (settings.DISCOVERY_DATA_DIR / "events-page.json").read_text()
    demo = load_demo(
        text,
        admin_username="bench",
        admin_email="bench@example.com",
        admin_password="bench-pw-1",
        actor=Actor.command("bench"),
    ).campaign
    Campaign.objects.filter(pk=demo.pk).update(status=CampaignStatus.OPEN)
    Entry.objects.filter(campaign=demo).delete()
    market_ids = list(demo.markets.values_list("pk", flat=True))
    fans = list(Fan.objects.filter(global_user_id__startswith="bench-fan-").order_by("pk")[:20000])
    jobs = [
        (
            issue_session_token(fan.pk, is_supreme=False, permissions={}, tm_sig="").token,
            json.dumps({"query": UPSERT, "variables": {"c": demo.pk, "e": _entry(n, market_ids)}}),
        )
        for n, fan in enumerate(fans)
    ]
    os.environ["CELERY_BROKER_URL"] = broker
    server, port = serve(2, BENCH_SETTINGS)
    env = {**os.environ, "CELERY_BROKER_URL": broker, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "monoql", "worker", "--concurrency", "1", "--loglevel", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(5)
        _load(port, jobs[:50], 5, 2)  # warm up
        idle_results, idle_seconds = _load(port, jobs[50:8000], seconds, clients)
        idle = _summary(idle_results, idle_seconds)
        export = Export.objects.create(campaign=big, export_type="entries", requester_user_id="bench")
        from celery import current_app

        current_app.conf.broker_url = broker
        current_app.conf.task_always_eager = False
        current_app.send_task("exports.run_export", args=[export.pk])
        while Export.objects.get(pk=export.pk).status == "PENDING":
            time.sleep(0.05)
        started = time.monotonic()
        # Same load, same single client process as the idle phase, while the export runs.
        results, spent = _load(port, jobs[8000:], seconds, clients)
        still_running = Export.objects.get(pk=export.pk).status == "TRIGGERED"
        while Export.objects.get(pk=export.pk).status == "TRIGGERED":
            time.sleep(0.2)
        export_seconds = time.monotonic() - started
        during = {**_summary(results, spent), "export_still_running_at_end": still_running}
        export.refresh_from_db()
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=30)
    Entry.objects.filter(campaign=demo).delete()
    return {
        "bench": "export_latency",
        "clients": clients,
        "idle": idle,
        "during_export": during,
        "p95_ratio": round(during["p95_ms"] / idle["p95_ms"], 2),
        "export_status": export.status,
        "export_rows": export.count,
        "export_seconds": round(export_seconds, 1),
    }


if __name__ == "__main__":
    args = sys.argv[1:]
    print(json.dumps(main(float(args[0]) if args else 20, int(args[1]) if len(args) > 1 else 4)))
