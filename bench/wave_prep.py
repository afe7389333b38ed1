"""Wave prep, selection, the codeAssignments export and the metrics on one campaign: ENTRIES entries, 50 markets, 3
ranked markets each (90 % carry a bot score, in its own table; 95 % verdict true), PLACES places and PLACES codes per market.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench .venv/bin/python bench/wave_prep.py \
    [ENTRIES] [MODE] [PLACES]
ENTRIES: 1,000,000 by default; 3,500,000 is the Eras scale of issue 25 (PLACES then defaults to 30,000:
1.5 million codes and places). MODE: ``single`` (singleMarket, score order; default), ``markets`` (each market
independently), ``lottery`` (singleMarket + randomSelection) or ``scarce`` (singleMarket with every market's
population doubled: the unpinned codes, one per place, are too few, so they are drawn during the serial
dictatorship, issue 35).

Up to 1M entries the campaign lives in DATABASE_URL's database and is reused between runs (each run first
resets earlier runs). Above that it goes to a database of its own, ``<name>_eras`` (about 5 GB with indexes),
created for the run and dropped at the end (``MONOQL_BENCH_KEEP=1`` keeps it, and reuses it on the next run).
The campaign is generated server-side (``INSERT … SELECT generate_series``: no row crosses the network). The wave prep runs in a fresh worker process so its peak
memory is its own (its prepped-zip stage, which writes the masterCodes CSVs, is timed apart too); the
codeAssignments export (every assigned code with its fan and market) runs in another fresh process with the
export write-rate cap off (``EXPORT_MAX_BYTES_PER_SECOND=0``), said so in the output. Selection runs as a
2-core worker runs the per-market tasks: two processes, each taking the next market (``MONOQL_BENCH_SELECTION_WORKERS``
changes how many). The campaign is generated once and run ``MONOQL_BENCH_RUNS`` times (3 by default); each timing is
the median of the runs, each run's own figures are listed under ``each_run``. Prints one JSON line:
each stage's seconds, the workers' peak RSS, every metric's seconds and the load average. Targets at 3.5M
(issue 25): wave prep < 120 s and < 1 GB, selection of all markets < 60 s (fan emails are a separate job, not
timed here), masterCodes < 60 s, each metric < 2 s; at 1M: wave prep < 25 s.
"""

import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")
os.environ.setdefault("EXPORT_MAX_BYTES_PER_SECOND", "0")  # the export's own speed (see the docstring)
OWN_DATABASE_ABOVE = 1_000_000
RUNS = int(os.environ.get("MONOQL_BENCH_RUNS", "3"))  # timings reported as medians of this many runs
SELECTION_WORKERS = int(os.environ.get("MONOQL_BENCH_SELECTION_WORKERS", "2"))  # a 2-core worker's concurrency


def _own_database(argv) -> str | None:
    """Above 1M entries: point DATABASE_URL at a database of the run's own (created now); returns its name."""
    entries = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1_000_000
    if entries <= OWN_DATABASE_ABOVE or os.environ.get("MONOQL_BENCH_CHILD"):
        return None
    import psycopg

    url = os.environ["DATABASE_URL"]
    base, _, name = url.rpartition("/")
    own = f"{name}_eras"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [own]).fetchone()
        if not (exists and os.environ.get("MONOQL_BENCH_KEEP")):
            admin.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{own}"')
    os.environ["DATABASE_URL"] = f"{base}/{own}"
    return own


def _drop_database(own: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    base = os.environ["DATABASE_URL"].rpartition("/")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')


OWN_DATABASE = _own_database(sys.argv)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from campaigns.models import Campaign, CampaignStatus, Market  # noqa: E402
from entries.models import Entry, Stat  # noqa: E402
from entries.selection.models import WavePrep  # noqa: E402
from monoql.audit import Actor  # noqa: E402

MARKETS = 50
MODES = {
    "single": {"single_market": True},
    "markets": {},
    "lottery": {"single_market": True, "random_selection": True},
    "scarce": {"single_market": True},
}
#: Modes whose markets take more fans than there are codes (population × this; 1 elsewhere).
POPULATION_FACTOR = {"scarce": 2}


def _generate(campaign, market_ids, n, places):
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
            " NULL,"
            " random(), random() < 0.95, '{}'::jsonb, now(), now()"
            " FROM generate_series(1, %s) g",
            [campaign.pk, n],
        )
        # the scores are the bot score's (its own table, as after a campaign closes): every wave prep joins them
        cursor.execute(
            "INSERT INTO entries_botscore (entry_id, score) SELECT id, round(random()::numeric, 3) FROM entries_entry"
            " WHERE campaign_id = %s AND random() < 0.9 ORDER BY id",
            [campaign.pk],
        )
        cursor.execute(
            "INSERT INTO codes_code (campaign_id, code, type, date_saved)"
            " SELECT %s, 'WP' || lpad(g::text, 8, '0'), 'tm', now() FROM generate_series(1, %s) g",
            [campaign.pk, MARKETS * places],
        )
        cursor.execute("ANALYZE entries_entry; ANALYZE entries_botscore; ANALYZE codes_code; ANALYZE accounts_fan;")


def _reset(campaign):
    """Undo earlier runs, then VACUUM what they rewrote: each run deletes a million outcome rows and rewrites the
    codes, and a run timed on top of millions of dead tuples would measure the bloat, not the run."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM entries_allocation WHERE wave_prep_id IN (SELECT id FROM entries_waveprep"
            " WHERE campaign_id = %s)",
            [campaign.pk],
        )
    WavePrep.objects.filter(campaign=campaign).delete()
    Stat.objects.filter(campaign=campaign).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE codes_code SET date_reserved = NULL, reserve_id = NULL, date_assigned = NULL, entry_id = NULL,"
            " fan_id = NULL WHERE campaign_id = %s AND (date_reserved IS NOT NULL OR date_assigned IS NOT NULL)",
            [campaign.pk],
        )
        cursor.execute("VACUUM ANALYZE codes_code")
        cursor.execute("VACUUM ANALYZE entries_allocation")


def _campaign(n, places):
    name = f"bench-wave-prep-{n}-{places}"
    campaign = Campaign.objects.filter(name=name).first()
    if campaign is not None and Entry.objects.filter(campaign=campaign).count() == n:
        return campaign, None
    if campaign is not None:
        campaign.delete()
    campaign = Campaign.objects.create(name=name, status=CampaignStatus.CLOSED, options={})
    markets = [
        Market.objects.create(
            campaign=campaign, name=f"Market {i:02d}", city="C", state="S", timezone="UTC", population=places
        )
        for i in range(MARKETS)
    ]
    started = time.perf_counter()
    _generate(campaign, [m.pk for m in markets], n, places)
    return campaign, round(time.perf_counter() - started, 1)


def worker(wave_prep_id: int) -> None:
    """Child process: run the wave prep; print its wall time and peak RSS."""
    from entries.selection.services import wave_prep as service

    stages: dict[str, float] = {}
    write_zip = service.write_prepped_zip

    def timed_zip(*args, **kwargs):
        zip_started = time.perf_counter()
        try:
            return write_zip(*args, **kwargs)
        finally:
            stages["zip"] = time.perf_counter() - zip_started

    service.write_prepped_zip = timed_zip
    started = time.perf_counter()
    wave_prep = service.run_wave_prep(wave_prep_id)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "status": wave_prep.status,
                "error": wave_prep.error,
                "seconds": seconds,
                "zip_seconds": stages.get("zip"),
                "peak_mb": peak,
            }
        )
    )


def export_worker(export_id: str) -> None:
    """Child process: run the export; print its wall time, rows and peak RSS."""
    from exports.services.exports import run_export

    started = time.perf_counter()
    export = run_export(export_id)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"status": export.status, "rows": export.count, "seconds": seconds, "peak_mb": peak}))


def _apply_market(job: tuple[int, str]) -> dict:
    """Selection worker process: apply one market (the per-market task ``triggerSelection`` queues)."""
    from entries.selection.services.selection import apply_selection

    wave_prep_id, market_id = job
    try:
        return apply_selection(wave_prep_id, [market_id])
    finally:
        connection.close()


def _child(*args) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "MONOQL_BENCH_CHILD": "1"},
    )
    if out.returncode:
        raise RuntimeError(f"{args[0]} child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _wal_lsn() -> int:
    """The server's current WAL position in bytes (PostgreSQL; 0 elsewhere): a stage's WAL volume is the difference."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


def _settings() -> dict:
    """The PostgreSQL settings that bound bulk writes, as the server reports them."""
    if connection.vendor != "postgresql":
        return {}
    names = ["shared_buffers", "max_wal_size", "checkpoint_timeout", "wal_compression", "work_mem", "autovacuum"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s)", [names])
        return dict(cursor.fetchall())


def _metrics(campaign, markets) -> dict:
    """Each dashboard metric's best of three wall times, in seconds."""
    from entries import metrics

    calls = {
        "entriesByMarketPreference": lambda: metrics.entries_by_market_preference(campaign),
        "eligibleByMarketPreference": lambda: metrics.eligible_by_market_preference(campaign),
        "verifiedCountByMarket": lambda: metrics.verified_count_by_market(campaign),
        "totalSelectedByMarket": lambda: metrics.total_selected_by_market(campaign),
        "eligibileCounts": lambda: metrics.eligible_counts(campaign, market_ids=markets),
    }
    timings = {}
    for name, call in calls.items():
        best = None
        for _ in range(3):
            started = time.perf_counter()
            call()
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
        timings[name] = round(best, 3)
    return timings


def _medians(runs: list[dict]) -> dict:
    """The last run's report with every timing replaced by the median over ``runs`` (each run's own in ``runs``)."""
    if len(runs) == 1:
        return runs[0]
    timed = [key for key, value in runs[-1].items() if key.endswith("_seconds") and isinstance(value, float)]
    report = {**runs[-1], "runs": len(runs), "generated_seconds": runs[0]["generated_seconds"]}
    for key in timed:
        report[key] = statistics.median(run[key] for run in runs)
    report["peak_rss_mb"] = statistics.median(run["peak_rss_mb"] for run in runs)
    report["metrics_seconds"] = {
        name: statistics.median(run["metrics_seconds"][name] for run in runs) for name in runs[-1]["metrics_seconds"]
    }
    report["each_run"] = [
        {key: run[key] for key in [*timed, "peak_rss_mb", "metrics_seconds", "wal_mb", "load_average"]} for run in runs
    ]
    return report


def main(n: int, mode: str, places: int) -> dict:
    from entries.selection.services import selection
    from entries.selection.services import wave_prep as service
    from entries.selection.services.selection import trigger_selection
    from exports.models import Export

    call_command("migrate", verbosity=0)
    campaign, generated = _campaign(n, places)
    _reset(campaign)
    Market.objects.filter(campaign=campaign).update(population=places * POPULATION_FACTOR.get(mode, 1))
    service.enqueue_on_commit = lambda *args: None  # this process plays the worker (below)
    selection.enqueue_on_commit = lambda *args: None  # selection is timed here; fan emails are a job apart
    wave_prep = service.trigger_wave_prep(
        campaign_id=campaign.pk, date_key="bench", seed=2026, **MODES[mode], actor=Actor.command("bench")
    )
    wal_before_prep = _wal_lsn()
    connection.close()
    baseline = subprocess.run(
        [sys.executable, "-c", "import resource, sys; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
        capture_output=True,
        text=True,
    )
    run = _child("--worker", str(wave_prep.pk))
    wave_prep.refresh_from_db()
    markets = list(campaign.markets.values_list("pk", flat=True))
    wal_before_selection = _wal_lsn()
    started = time.perf_counter()
    trigger_selection(campaign_id=campaign.pk, market_ids=markets, actor=Actor.command("bench"))
    connection.close()
    # As a worker with ``--concurrency 2`` takes the queue's per-market tasks: two processes, each taking the next
    # market when it is done with one.
    with ProcessPoolExecutor(SELECTION_WORKERS, mp_context=multiprocessing.get_context("fork")) as pool:
        applied = {}
        for result in pool.map(_apply_market, [(wave_prep.pk, market_id) for market_id in markets]):
            applied.update(result)
    selection_seconds = time.perf_counter() - started
    wal_after_selection = _wal_lsn()
    Export.objects.filter(campaign=campaign).delete()
    # The selected fans' full assignment list as an export (codeAssignments: code, fan, market, date): the
    # masterCodes CSVs themselves are part of the prepped zip, timed as the wave prep's zip stage.
    export = Export.objects.create(campaign=campaign, export_type="codeAssignments", requester_user_id="bench")
    connection.close()
    exported = _child("--export", str(export.pk))
    timings = _metrics(campaign, markets)
    return {
        "bench": "wave_prep",
        "mode": mode,
        "entries": n,
        "markets": MARKETS,
        "places_per_market": places,
        "generated_seconds": generated,
        "status": run["status"],
        "error": run["error"] or None,
        "wave_prep_seconds": round(run["seconds"], 2),
        "peak_rss_mb": round(run["peak_mb"], 1),
        "python_baseline_rss_mb": round(int(baseline.stdout.strip() or 0) / 1024, 1),
        "selection_seconds": round(selection_seconds, 2),
        "selection_workers": SELECTION_WORKERS,
        "wal_mb": {
            "wave_prep": round((wal_before_selection - wal_before_prep) / 2**20),
            "selection": round((wal_after_selection - wal_before_selection) / 2**20),
        },
        "postgresql_settings": _settings(),
        "prepped_zip_seconds": round(run["zip_seconds"] or 0, 2),
        "code_assignments_export_seconds": round(exported["seconds"], 2),
        "code_assignments_export_rows": exported["rows"],
        "code_assignments_export_peak_rss_mb": round(exported["peak_mb"], 1),
        "export_write_rate_cap": os.environ.get("EXPORT_MAX_BYTES_PER_SECOND"),
        "metrics_seconds": timings,
        "eligible": wave_prep.count["eligible"],
        "selected": wave_prep.count["selected"],
        "waitlisted": wave_prep.count["waitlisted"],
        "allocation_rows": wave_prep.allocations.count(),
        "codes_assigned": sum(count["assigned"] for count in applied.values()),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "git_sha": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip(),
        "database": connection.vendor,
        "own_database_dropped": OWN_DATABASE is not None and not os.environ.get("MONOQL_BENCH_KEEP"),
    }


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker(int(sys.argv[2]))
    elif len(sys.argv) > 2 and sys.argv[1] == "--export":
        export_worker(sys.argv[2])
    else:
        entries = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
        mode = sys.argv[2] if len(sys.argv) > 2 else "single"
        places = int(sys.argv[3]) if len(sys.argv) > 3 else (30_000 if entries >= 3_500_000 else 4000)
        try:
            runs = [main(entries, mode, places) for _ in range(RUNS)]
            print(json.dumps(_medians(runs)))
        finally:
            if OWN_DATABASE is not None and not os.environ.get("MONOQL_BENCH_KEEP"):
                _drop_database(OWN_DATABASE)
