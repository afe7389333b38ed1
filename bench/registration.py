"""Registration throughput measured from outside the server: wrk against gunicorn (2 sync workers) on
PostgreSQL + Redis, alternating rounds of a plain Django view inserting the same rows (the ceiling,
``bench/plain_urls.py``) and GraphQL ``upsertViewerEntry``: A B A B A B, ROUND_SECONDS each.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench REDIS_URL=redis://127.0.0.1:6379/14 \\
       .venv/bin/python bench/registration.py [ROUND_SECONDS=20] [CONNECTIONS=16] [WORKERS=2]

One gunicorn serves both rounds with the same settings (``bench.plain_settings`` = the app's plus the plain
route). The one difference is documented: header-authenticated ``/graphql`` and ``/api/`` calls skip the
session, messages and CSRF middleware (``monoql.middleware.BrowserStateMiddleware``); the plain view is not
an API path and runs the whole stack, as it did before that change. Every request is a distinct signed-in
fan (its own session JWT) registering in the demo campaign (3 ranked markets). Prints one JSON line: each
round's rps, per minute, p50/p95/p99 ms, errors, successes and rows inserted; the median ratio GraphQL /
plain; the settings that differ from production; git SHA and load average.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")

from bench.loadgen import ensure_wrk, log, machine, median_ratio, run_wrk, serve, write_requests  # noqa: E402

UPSERT = (
    "mutation entry_submitRegistration($c: String!, $e: JSON!) "
    '{ upsertViewerEntry(campaignId: $c, locale: "en_US", entry: $e) { isLoggedIn } }'
)
#: Settings of the bench's server that differ from a production deploy (and why).
BENCH_SETTINGS = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    # production queues receipts and emails to a broker; Redis stands in for it (nothing is sent in the request)
    "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL", ""),
}
SECRETS_NOTE = (
    "development JWT signing key and identity provider; no TLS; one machine for load, app and database; "
    "fans signed in before their round (accounts.fan_cache.warm_fans: the row authenticate caches)"
)


#: New York area codes a spread crowd's numbers are drawn in (each fan its own number, far from the others').
AREA_CODES = ("212", "646", "917", "347", "718", "929", "332", "516", "914", "201")


def _entry(n: int, market_ids: list[str], spread: bool = False) -> dict:
    """Fan ``n``'s registration. By default numbers repeat every 10,000 fans (the registration bench's load); with
    ``spread`` each fan has an address and a number of their own, scattered over 80 million numbers (a crowd of
    people, as the live scoring bench needs: its bot score sees no shared phones or mailboxes)."""
    ranked = [market_ids[(n + k) % len(market_ids)] for k in range(3)]
    if spread:
        phone = f"+1{AREA_CODES[n % 10]}{2000000 + (n // 10 * 7919) % 8000000:07d}"
    else:
        phone = f"+1212{5550000 + n % 10000:07d}"
    return {
        "email": f"fan{n}@example.com",
        "phone": phone,
        "market": ranked[0],
        "optional_markets": ranked[1:],
        "allow_marketing": True,
    }


def demo_campaign_with_fans(count: int):
    """The demo campaign (OPEN, no entries) and ``count`` bench fans: ``(campaign, market ids, [fan id])``."""
    from django.conf import settings
    from django.core.management import call_command

    from accounts.models import Fan
    from campaigns.models import Campaign, CampaignStatus
    from campaigns.services.demo import load_demo
    from entries.models import Entry
    from monoql.audit import Actor

    call_command("migrate", verbosity=0)
    text = (settings.DISCOVERY_DATA_DIR / "events-page.json").read_text()
    campaign = load_demo(
        text,
        admin_username="bench",
        admin_email="bench@example.com",
        admin_password="bench-pw-1",
        actor=Actor.command("bench"),
    ).campaign
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.OPEN)
    Entry.objects.filter(campaign=campaign).delete()
    existing = Fan.objects.filter(global_user_id__startswith="bench-fan-").count()
    Fan.objects.bulk_create(
        [Fan(global_user_id=f"bench-fan-{n}", email=f"fan{n}@example.com") for n in range(existing, count)],
        batch_size=5000,
    )
    fans = list(
        Fan.objects.filter(global_user_id__startswith="bench-fan-").order_by("pk").values_list("pk", flat=True)[:count]
    )
    return campaign, list(campaign.markets.values_list("pk", flat=True)), fans


def _requests(fan_ids, campaign_id, market_ids, graphql: bool, first: int = 0, spread: bool = False) -> str:
    """A wrk request file: each fan of ``fan_ids`` registering (fan ``first + n``'s entry, ``_entry``)."""
    from accounts.fan_cache import warm_fans
    from accounts.tokens import issue_session_token

    if graphql:
        # The fans signed in just before registering: ``authenticate`` left each one's row in the fan cache.
        for start in range(0, len(fan_ids), 2000):
            warm_fans(fan_ids[start : start + 2000])
    lines = []
    for n, fan_id in enumerate(fan_ids):
        token = issue_session_token(fan_id, is_supreme=False, permissions={}, tm_sig="").token
        entry = _entry(first + n, market_ids, spread)
        if graphql:
            body = {"query": UPSERT, "variables": {"c": campaign_id, "e": entry}}
        else:
            body = {"campaignId": campaign_id, "entry": entry}
        lines.append((token, json.dumps(body)))
    return write_requests(lines)


def main(seconds: int, connections: int, workers: int) -> dict:
    import django

    ensure_wrk()
    django.setup()
    from entries.models import Entry

    per_round = seconds * 1500  # more fans than 2 workers can register in a round: no fan registers twice
    rounds = [("plain", "/plain-register"), ("graphql", "/graphql")] * 3
    campaign, market_ids, fans = demo_campaign_with_fans(per_round * len(rounds) + 400)
    server, port = serve(workers, BENCH_SETTINGS, "bench.plain_settings")
    results: dict[str, list] = {"plain": [], "graphql": []}
    try:
        warm = fans[-400:]
        for name, path in (("plain", "/plain-register"), ("graphql", "/graphql")):
            share = warm[:200] if name == "plain" else warm[200:]
            file = _requests(share, campaign.pk, market_ids, name == "graphql")
            run_wrk(port, path, file, seconds=2, connections=4)
            os.unlink(file)
        for number, (name, path) in enumerate(rounds):
            share = fans[number * per_round : (number + 1) * per_round]
            file = _requests(share, campaign.pk, market_ids, name == "graphql")
            before = Entry.objects.filter(campaign=campaign).count()
            figures = run_wrk(port, path, file, seconds=seconds, connections=connections)
            os.unlink(file)
            figures["rows_inserted"] = Entry.objects.filter(campaign=campaign).count() - before
            figures["round"] = number + 1
            log(f"round {number + 1} {name}: {figures}")
            results[name].append(figures)
    finally:
        server.terminate()
        server.wait(timeout=30)
        Entry.objects.filter(campaign=campaign).delete()
    pairs = [(a["rps"], b["rps"]) for a, b in zip(results["plain"], results["graphql"], strict=True)]
    graphql = results["graphql"]
    best = sorted(graphql, key=lambda row: row["rps"])[len(graphql) // 2]
    return {
        "bench": "registration",
        "tool": f"wrk -t2 -c{connections} -d{seconds}s, A B A B A B (plain, graphql)",
        "round_seconds": seconds,
        "connections": connections,
        "gunicorn_workers": workers,
        "rounds": results,
        "median_ratio": median_ratio(pairs),
        "graphql_median": {key: best[key] for key in ("rps", "per_minute", "p50_ms", "p95_ms", "p99_ms")},
        "errors": sum(row["errors"] + row["socket_errors"] for rows in results.values() for row in rows),
        # wrk stops counting at the deadline while the last requests (at most one per connection) are still
        # in flight: they complete on the server. So every success inserted one row, and the rows beyond the
        # successes are no more than the connections.
        "rows_equal_successes": all(
            0 <= row["rows_inserted"] - row["ok"] <= connections for rows in results.values() for row in rows
        ),
        "rows_minus_successes": [row["rows_inserted"] - row["ok"] for rows in results.values() for row in rows],
        "no_fan_twice": all(row["wrapped"] == 0 for rows in results.values() for row in rows),
        "settings_differing_from_production": {**BENCH_SETTINGS, "CELERY_BROKER_URL": "redis (local)"},
        "note": SECRETS_NOTE,
        "gate": {"ratio": 0.8, "p95_ms": 100},
        **machine(),
    }


if __name__ == "__main__":
    args = sys.argv[1:]
    result = main(
        int(args[0]) if args else 20,
        int(args[1]) if len(args) > 1 else 16,
        int(args[2]) if len(args) > 2 else 2,
    )
    print(json.dumps(result))
