"""Code inventory benchmark (issue "Code inventory"): upload, raw COPY, memory, reserve throughput, sold-out latency.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench .venv/bin/python bench/codes.py [N]
Prints one JSON line:
  upload_seconds       N codes through codes.services.upload.upload_codes (target < 30 s for 1,000,000)
  copy_seconds         raw COPY of the same file into an unindexed table, same run; upload_to_copy_ratio
  upload_peak_rss_mb   growth of the process's peak RSS during the upload (target < 200 MB)
  reserve_codes_per_s  8 concurrent clients reserving batches of 100 (target >= 10,000 codes/s)
  soldout_reserve_ms   median latency of a reserve on a sold-out pool of N assigned codes (target < 10 ms)
"""

import json
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.loadgen import machine  # noqa: E402
from campaigns.models import Campaign  # noqa: E402
from codes.models import Code  # noqa: E402
from codes.services.inventory import Actor, reserve_codes  # noqa: E402
from codes.services.upload import upload_codes  # noqa: E402

ACTOR = Actor(label="bench")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write_file(n: int) -> Path:
    path = Path(tempfile.mkstemp(suffix=".csv")[1])
    with path.open("w") as out:
        out.write("code\n")
        for i in range(n):
            out.write(f"BENCH{i:09d}\n")
    return path


def _raw_copy_seconds(path: Path) -> float:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_raw_copy (code varchar(64))")
        started = time.perf_counter()
        with (
            path.open("rb") as source,
            cursor.copy("COPY bench_raw_copy (code) FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_raw_copy")
    return elapsed


def _reserve_throughput(campaign_id: str, clients: int = 8, batch: int = 100, seconds: float = 5.0) -> float:
    reserved = []
    deadline = time.perf_counter() + seconds

    def client():
        got = 0
        while time.perf_counter() < deadline:
            n = reserve_codes(campaign_id, batch, "tm", actor=ACTOR)["count"]
            if n == 0:
                break
            got += n
        reserved.append(got)
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(reserved) / (time.perf_counter() - started)


def main(n: int) -> dict:
    assert connection.vendor == "postgresql", "run against PostgreSQL (DATABASE_URL)"
    call_command("migrate", verbosity=0)
    Campaign.objects.filter(name="bench codes").delete()
    campaign = Campaign.objects.create(name="bench codes")
    path = _write_file(n)
    try:
        rss_before = _rss_mb()
        started = time.perf_counter()
        with path.open("rb") as stream:
            result = upload_codes(campaign.pk, "tm", stream, actor=ACTOR)
        upload_seconds = time.perf_counter() - started
        rss_growth = _rss_mb() - rss_before
        assert result == {"in": n, "inserted": n, "updated": 0}, result
        copy_seconds = _raw_copy_seconds(path)
    finally:
        path.unlink()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE codes_code")
    throughput = _reserve_throughput(campaign.pk)
    Code.objects.filter(campaign=campaign).update(date_assigned=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE codes_code")
    latencies = []
    for _ in range(200):
        t0 = time.perf_counter()
        assert reserve_codes(campaign.pk, 10, "tm", actor=ACTOR)["count"] == 0
        latencies.append((time.perf_counter() - t0) * 1000)
    Campaign.objects.filter(pk=campaign.pk).delete()
    return {
        "bench": "codes",
        "codes": n,
        "upload_seconds": round(upload_seconds, 2),
        "copy_seconds": round(copy_seconds, 2),
        "upload_to_copy_ratio": round(upload_seconds / copy_seconds, 1),
        "upload_peak_rss_mb": round(max(rss_growth, 0.0), 1),
        "reserve_codes_per_s": round(throughput),
        "soldout_reserve_ms": round(statistics.median(latencies), 2),
        **machine(),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)))
