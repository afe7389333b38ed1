"""``entries`` export of a 1,000,000-entry campaign: wall time and the worker's peak memory.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench .venv/bin/python bench/export.py [ENTRIES]
Reuses (or generates, via bench/metrics.py's generator) the campaign ``bench-metrics-{ENTRIES}``, then runs
the export in a fresh child process (as a Celery worker would) and prints one JSON line:
{"bench": "export", "rows", "seconds", "rows_per_second", "peak_rss_mb" (child), "baseline_rss_mb"
(child before exporting), "bytes"}. Targets: < 60 s, < 300 MB. Runs uncapped
(``EXPORT_MAX_BYTES_PER_SECOND=0``) unless that variable is set.
"""

import json
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The worker's own speed: no write-rate cap unless asked (the cap protects registrations on a shared host).
os.environ.setdefault("EXPORT_MAX_BYTES_PER_SECOND", "0")
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")


def _child(export_id, out):
    import django

    django.setup()
    from exports.services.exports import run_export

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    export = run_export(export_id)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put(
        {
            "status": export.status,
            "rows": export.count,
            "bytes": export.size,
            "seconds": seconds,
            "peak_rss_mb": round(peak, 1),
            "baseline_rss_mb": round(baseline, 1),
            "error": export.error_message,
        }
    )


def main(n: int) -> dict:
    import django

    django.setup()
    sys.path.insert(0, str(ROOT / "bench"))
    from metrics import main as ensure_campaign  # noqa: F401 - generates the campaign when missing

    from campaigns.models import Campaign
    from exports.models import Export

    if not Campaign.objects.filter(name=f"bench-metrics-{n}").exists():
        ensure_campaign(n)
    campaign = Campaign.objects.get(name=f"bench-metrics-{n}")
    Export.objects.filter(campaign=campaign, status__in=["PENDING", "TRIGGERED"]).delete()
    # Created directly (not scheduled): with eager Celery the scheduler would run it in this process.
    export = Export.objects.create(campaign=campaign, export_type="entries", requester_user_id="bench")
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_child, args=(export.pk, queue))
    child.start()
    result = queue.get()
    child.join()
    return {
        "bench": "export",
        "type": "entries",
        **result,
        "seconds": round(result["seconds"], 1),
        "rows_per_second": round(result["rows"] / result["seconds"]) if result["rows"] else None,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)))
