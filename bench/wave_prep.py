"""Wave prep and selection on a campaign of 1,000,000 entries, 50 markets, 3 ranked markets each (90 % scored,
95 % verdict true), 4,000 places and 4,000 codes per market (200,000 in all).

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench .venv/bin/python bench/wave_prep.py [ENTRIES] [MODE]
MODE: ``single`` (singleMarket, score order; default), ``markets`` (each market independently) or ``lottery``
(singleMarket + randomSelection). The campaign is generated once with ``INSERT … SELECT generate_series``
and reused; each run first resets earlier runs (wave preps, reservations, assignments). The wave prep runs in
a fresh worker process so its peak memory is its own. Prints one JSON line: wave prep wall time (target
< 60 s, aim < 20 s), the worker's peak RSS (target < 1 GB), selection time for all markets, and counts.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from campaigns.models import Campaign, CampaignStatus, Market  # noqa: E402
from entries.models import Entry, Stat  # noqa: E402
from entries.selection.models import WavePrep  # noqa: E402

MARKETS = 50
PLACES = 4000
MODES = {
    "single": {"single_market": True},
    "markets": {},
    "lottery": {"single_market": True, "random_selection": True},
}


def _generate(campaign, market_ids, n):
    ids = "ARRAY[" + ",".join(f"'{m}'" for m in market_ids) + "]"
    # three distinct markets per entry: offsets 0, 17 and 33 (mod 50) from a per-entry start
    market = "({ids})[1 + ((g * 7) %% {size} + {offset}) %% {size}]"
    columns = ", ".join(market.format(ids=ids, size=MARKETS, offset=offset) for offset in (0, 17, 33))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_fan (id, global_user_id, member_id, email, first_name, last_name, phone, zip,"
            " do_not_sell, profile_facts, date_created, date_updated)"
            " SELECT 'w' || lpad(g::text, 23, '0'), 'wave-' || g, NULL, 'w' || g || '@example.com', 'F', 'L', '',"
            " '', false, '{}'::jsonb, now(), now() FROM generate_series(1, %s) g ON CONFLICT DO NOTHING",
            [n],
        )
        cursor.execute(
            "INSERT INTO entries_entry (campaign_id, fan_id, fields, locale, attributes, origin, market_0_id,"
            " market_1_id, market_2_id, email, phone, score, random_score, verdict, tags,"
            " date_created, date_updated)"
            f" SELECT %s, 'w' || lpad(g::text, 23, '0'), '{{}}'::jsonb, 'en_US', '{{}}'::jsonb, '{{}}'::jsonb, {columns},"
            " 'w' || g || '@example.com', CASE WHEN g %% 3 = 0 THEN '+44770090' || lpad((g %% 10000)::text, 4, '0')"
            " ELSE '+1415' || lpad((g %% 10000000)::text, 7, '0') END,"
            " CASE WHEN random() < 0.9 THEN round(random()::numeric, 3) END,"
            " random(), random() < 0.95, '{}'::jsonb, now(), now()"
            " FROM generate_series(1, %s) g",
            [campaign.pk, n],
        )
        cursor.execute(
            "INSERT INTO codes_code (campaign_id, code, type, date_saved)"
            " SELECT %s, 'WP' || lpad(g::text, 8, '0'), 'tm', now() FROM generate_series(1, %s) g",
            [campaign.pk, MARKETS * PLACES],
        )
        cursor.execute("ANALYZE entries_entry; ANALYZE codes_code; ANALYZE accounts_fan;")


def _reset(campaign):
    WavePrep.objects.filter(campaign=campaign).delete()
    Stat.objects.filter(campaign=campaign).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE codes_code SET date_reserved = NULL, reserve_id = NULL, date_assigned = NULL, entry_id = NULL,"
            " fan_id = NULL WHERE campaign_id = %s AND (date_reserved IS NOT NULL OR date_assigned IS NOT NULL)",
            [campaign.pk],
        )
        cursor.execute("VACUUM ANALYZE codes_code")


def _campaign(n):
    name = f"bench-wave-prep-{n}"
    campaign = Campaign.objects.filter(name=name).first()
    if campaign is not None and Entry.objects.filter(campaign=campaign).count() == n:
        return campaign, None
    if campaign is not None:
        campaign.delete()
    campaign = Campaign.objects.create(name=name, status=CampaignStatus.CLOSED, options={})
    markets = [
        Market.objects.create(
            campaign=campaign, name=f"Market {i:02d}", city="C", state="S", timezone="UTC", population=PLACES
        )
        for i in range(MARKETS)
    ]
    started = time.perf_counter()
    _generate(campaign, [m.pk for m in markets], n)
    return campaign, round(time.perf_counter() - started, 1)


def worker(wave_prep_id: int) -> None:
    """Child process: run the wave prep; print its wall time and peak RSS."""
    from entries.selection.services.wave_prep import run_wave_prep

    started = time.perf_counter()
    wave_prep = run_wave_prep(wave_prep_id)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"status": wave_prep.status, "error": wave_prep.error, "seconds": seconds, "peak_mb": peak}))


def main(n: int, mode: str) -> dict:
    from entries.selection.services import selection
    from entries.selection.services import wave_prep as service
    from entries.selection.services.selection import apply_selection, trigger_selection

    call_command("migrate", verbosity=0)
    campaign, generated = _campaign(n)
    _reset(campaign)
    service.enqueue_on_commit = lambda *args: None  # this process plays the worker (below)
    selection.enqueue_on_commit = lambda *args: None  # selection is timed here; fan emails are not
    wave_prep = service.trigger_wave_prep(campaign_id=campaign.pk, date_key="bench", seed=2026, **MODES[mode])
    connection.close()
    baseline = subprocess.run(
        [sys.executable, "-c", "import resource, sys; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
        capture_output=True,
        text=True,
    )
    child = subprocess.run(
        [sys.executable, __file__, "--worker", str(wave_prep.pk)], capture_output=True, text=True, check=True
    )
    run = json.loads(child.stdout.strip().splitlines()[-1])
    wave_prep.refresh_from_db()
    markets = list(campaign.markets.values_list("pk", flat=True))
    started = time.perf_counter()
    trigger_selection(campaign_id=campaign.pk, market_ids=markets)
    applied = apply_selection(wave_prep.pk, markets)
    selection_seconds = time.perf_counter() - started
    return {
        "bench": "wave_prep",
        "mode": mode,
        "entries": n,
        "markets": MARKETS,
        "places_per_market": PLACES,
        "generated_seconds": generated,
        "status": run["status"],
        "error": run["error"] or None,
        "wave_prep_seconds": round(run["seconds"], 2),
        "peak_rss_mb": round(run["peak_mb"], 1),
        "python_baseline_rss_mb": round(int(baseline.stdout.strip() or 0) / 1024, 1),
        "selection_seconds": round(selection_seconds, 2),
        "eligible": wave_prep.count["eligible"],
        "selected": wave_prep.count["selected"],
        "waitlisted": wave_prep.count["waitlisted"],
        "allocation_rows": wave_prep.allocations.count(),
        "codes_assigned": sum(count["assigned"] for count in applied.values()),
        "database": connection.vendor,
    }


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker(int(sys.argv[2]))
    else:
        entries = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
        print(json.dumps(main(entries, sys.argv[2] if len(sys.argv) > 2 else "single")))
