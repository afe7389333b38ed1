"""Registration throughput through the whole GraphQL stack (in-process HTTP client, real database).

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench .venv/bin/python bench/registration.py [N]
Creates (or reuses) the demo campaign in that database, signs in N fans and submits one entry each.
Prints one JSON line: {"bench": "registration", "entries": N, "seconds": …, "per_entry_ms": …, "p50_ms": …,
"p95_ms": …, "queries_per_entry": …, "database": …}.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.identity import DevelopmentIdentityProvider  # noqa: E402
from campaigns.services.demo import load_demo  # noqa: E402
from entries.models import Entry  # noqa: E402

UPSERT = (
    "mutation entry_submitRegistration($c: String!, $e: JSON!) "
    '{ upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { isLoggedIn } }'
)


def main(n: int) -> dict:
    call_command("migrate", verbosity=0)
    text = (settings.DISCOVERY_DATA_DIR / "events-page.json").read_text()
    campaign = load_demo(
        text, admin_username="bench", admin_email="bench@example.com", admin_password="bench-pw-123"
    ).campaign
    Entry.objects.filter(campaign=campaign).delete()
    markets = list(campaign.markets.values_list("id", flat=True))
    provider = DevelopmentIdentityProvider(settings.IDENTITY_DEV_SECRET)
    client = Client(HTTP_HOST="localhost")
    tokens = []
    for i in range(n):
        identity = provider.mint({"sub": f"bench-{i}", "email": f"bench{i}@example.com"})
        body = client.post(
            "/graphql",
            {
                "query": "mutation($t: String) { authenticate(credentials: {token: $t}) { auth { token } } }",
                "variables": {"t": identity},
            },
            content_type="application/json",
        ).json()
        tokens.append(body["data"]["authenticate"]["auth"]["token"])
    client.cookies.clear()
    executed = []

    def count_queries(execute, sql, params, many, context):
        executed.append(1)
        return execute(sql, params, many, context)

    timings = []
    started = time.perf_counter()
    with connection.execute_wrapper(count_queries):
        for i, token in enumerate(tokens):
            _submit(client, campaign, markets, i, token, timings)
    seconds = time.perf_counter() - started
    return _figures(n, seconds, timings, len(executed), campaign)


def _submit(client, campaign, markets, i, token, timings):
    """Submit fan ``i``'s entry and record its latency (ms) in ``timings``."""
    entry = {
        "email": f"bench{i}@example.com",
        "phone": f"+1212555{i % 10000:04d}",
        "market": markets[i % 16],
        "optional_markets": [markets[(i + 1) % 16]],
    }
    t0 = time.perf_counter()
    response = client.post(
        "/graphql",
        {"query": UPSERT, "variables": {"c": campaign.pk, "e": entry}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    timings.append((time.perf_counter() - t0) * 1000)
    assert "errors" not in response.json(), response.content


def _figures(n, seconds, timings, queries, campaign):
    assert Entry.objects.filter(campaign=campaign).count() == n
    timings.sort()
    return {
        "bench": "registration",
        "entries": n,
        "seconds": round(seconds, 3),
        "per_entry_ms": round(seconds * 1000 / n, 2),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "queries_per_entry": round(queries / n, 1),
        "database": connection.vendor,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)))
