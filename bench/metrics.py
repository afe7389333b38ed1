"""The four ``metrics.*`` aggregations (and ``eligibileCounts``) on a campaign of 1,000,000 entries and
20 markets (each entry ranks 1–4 markets; 90 % scored, 90 % verdict true, 70 % phone-confirmed, 2 % hold
an assigned code).

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench .venv/bin/python bench/metrics.py [ENTRIES]
Generates the campaign once with ``INSERT … SELECT generate_series`` (reused by later runs) and prints one
JSON line with the best of three wall times per metric, in seconds (target: each < 2 s).
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from campaigns.models import Campaign, Market  # noqa: E402
from entries import metrics  # noqa: E402
from entries.models import Entry  # noqa: E402

MARKETS = 20


def _generate(campaign, market_ids, n):
    ids = "ARRAY[" + ",".join(f"'{m}'" for m in market_ids) + "]"
    market = "CASE WHEN g %% 4 >= {k} THEN ({ids})[1 + (g * 7 + {k} * 5) %% {size}] END"
    columns = ", ".join(market.format(k=k, ids=ids, size=MARKETS) for k in range(4))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_fan (id, global_user_id, member_id, email, first_name, last_name, phone, zip,"
            " do_not_sell, profile_facts, date_created, date_updated)"
            " SELECT 'm' || lpad(g::text, 23, '0'), 'metrics-' || g, NULL, 'm' || g || '@example.com', '', '', '',"
            " '', false, '{}'::jsonb, now(), now() FROM generate_series(1, %s) g ON CONFLICT DO NOTHING",
            [n],
        )
        cursor.execute(
            "INSERT INTO entries_entry (campaign_id, fan_id, fields, locale, attributes, origin, market_0_id,"
            " market_1_id, market_2_id, market_3_id, email, phone, score, random_score, verdict, tags,"
            " date_created, date_updated, date_phone_confirmed)"
            f" SELECT %s, 'm' || lpad(g::text, 23, '0'), '{{}}'::jsonb, 'en_US', '{{}}'::jsonb, '{{}}'::jsonb, {columns},"
            " 'm' || g || '@example.com', '', CASE WHEN random() < 0.9 THEN round(random()::numeric, 3) END,"
            " random(), random() < 0.9, '{}'::jsonb, now(), now(), CASE WHEN random() < 0.7 THEN now() END"
            " FROM generate_series(1, %s) g",
            [campaign.pk, n],
        )
        cursor.execute(
            "INSERT INTO codes_code (campaign_id, code, type, market_id, entry_id, fan_id, date_saved, date_assigned)"
            " SELECT campaign_id, 'MC' || id, 'tm', market_0_id, id, fan_id, now(), now()"
            " FROM entries_entry WHERE campaign_id = %s AND id %% 50 = 0",
            [campaign.pk],
        )
        cursor.execute("ANALYZE entries_entry; ANALYZE codes_code;")


def _best(fn, runs=3):
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return round(min(times), 3)


def bench_campaign(n: int) -> tuple[Campaign, float | None]:
    """The ``bench-metrics-{n}`` campaign with exactly ``n`` entries over ``MARKETS`` markets.

    Reused when a previous run left it whole; otherwise (re)generated. Returns (campaign, seconds the
    generation took, or None when it was reused).
    """
    campaign = Campaign.objects.filter(name=f"bench-metrics-{n}").first()
    if campaign is not None and Entry.objects.filter(campaign=campaign).count() == n:
        return campaign, None
    if campaign is not None:
        campaign.delete()
    campaign = Campaign.objects.create(name=f"bench-metrics-{n}", options={"promptConfirmPhone": True})
    markets = [
        Market.objects.create(campaign=campaign, name=f"M{i}", city="C", state="S", timezone="UTC", event_ids=[str(i)])
        for i in range(MARKETS)
    ]
    started = time.perf_counter()
    _generate(campaign, [m.pk for m in markets], n)
    return campaign, round(time.perf_counter() - started, 1)


def main(n: int) -> dict:
    call_command("migrate", verbosity=0)
    campaign, generated = bench_campaign(n)
    some = list(campaign.markets.values_list("pk", flat=True))[:3]
    figures = {
        "entriesByMarketPreference": _best(lambda: metrics.entries_by_market_preference(campaign)),
        "eligibleByMarketPreference": _best(
            lambda: metrics.eligible_by_market_preference(campaign, min_score=0.2, max_score=0.9)
        ),
        "verifiedCountByMarket": _best(lambda: metrics.verified_count_by_market(campaign, min_score=0.2)),
        "totalSelectedByMarket": _best(lambda: metrics.total_selected_by_market(campaign)),
        "eligibileCounts": _best(lambda: metrics.eligible_counts(campaign, market_ids=some, min_score=0.5)),
    }
    return {
        "bench": "metrics",
        "entries": n,
        "markets": MARKETS,
        "generated_seconds": generated,
        "seconds": figures,
        "max_seconds": max(figures.values()),
        "database": connection.vendor,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)))
