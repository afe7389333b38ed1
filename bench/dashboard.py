"""The campaign dashboard on a 1,000,000-entry campaign (20 markets; bench/metrics.py's generator): the page
rendered cold (no snapshot: every number computed) and warm (the beat's snapshot), caches cleared before
each run, median of 3.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench REDIS_URL=redis://127.0.0.1:6379/14 \\
    .venv/bin/python bench/dashboard.py [ENTRIES]
Prints one JSON line: {"bench": "dashboard", "entries", "cold_seconds", "warm_seconds", "passed"} with the
targets cold < 5 s and warm < 2 s.
"""

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.metrics import MARKETS, bench_campaign  # noqa: E402  (sets Django up)
from campaigns.models import Campaign  # noqa: E402
from monoql.models import DashboardSnapshot  # noqa: E402
from monoql.tasks import refresh_dashboard_snapshots_task  # noqa: E402


def _campaign(n: int) -> Campaign:
    campaign, _generated = bench_campaign(n)
    Campaign.objects.filter(pk=campaign.pk).update(status="CLOSED")
    return campaign


def _render(client: Client, campaign: Campaign) -> float:
    cache.clear()
    started = time.perf_counter()
    response = client.get(f"/admin/campaigns/campaign/{campaign.pk}/dashboard/", HTTP_HOST="localhost")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed


def main(n: int = 1_000_000) -> dict:
    call_command("migrate", verbosity=0)
    setup_test_environment()
    campaign = _campaign(n)
    user = get_user_model().objects.filter(
        username="bench-dashboard"
    ).first() or get_user_model().objects.create_superuser("bench-dashboard", "bench@example.com", "pw-Bench-123!")
    client = Client()
    client.force_login(user)
    cold = []
    for _ in range(3):
        DashboardSnapshot.objects.filter(campaign=campaign).delete()
        cold.append(_render(client, campaign))
    refresh_dashboard_snapshots_task()
    warm = [_render(client, campaign) for _ in range(3)]
    result = {
        "bench": "dashboard",
        "entries": n,
        "markets": MARKETS,
        "cold_seconds": round(statistics.median(cold), 3),
        "warm_seconds": round(statistics.median(warm), 3),
        "targets": {"cold": 5, "warm": 2},
    }
    result["passed"] = result["cold_seconds"] < 5 and result["warm_seconds"] < 2
    return result


if __name__ == "__main__":
    print(json.dumps(main(*(int(value) for value in sys.argv[1:2]))))
