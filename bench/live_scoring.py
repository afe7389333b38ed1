"""Registration with live scoring on and off (issue 41), measured from outside the server: wrk against gunicorn
(2 sync workers) registering fans in the demo campaign through GraphQL ``upsertViewerEntry`` (a crowd of people:
each fan with a mailbox and a number of their own, ``_entry(spread=True)``), in alternating rounds
OFF ON OFF ON … OFF (PAIRS pairs and a last OFF, ROUND_SECONDS each; each ON round is compared with the OFF
rounds either side of it, so the drift of a growing table weighs on both sides). During an ON round a separate process plays the worker and the
beat with the product's settings: it sweeps every ``LIVE_SCORE_SWEEP_SECONDS`` (20 s) and the campaign, which
fans keep registering in, is scored again as soon as ``LIVE_SCORE_SECONDS`` (40 s) and twice the last run's
duration allow — its first run at the round's start. The process runs at a lower CPU priority (``nice 10``), as a
worker beside web processes would be scheduled on one machine (in production workers have machines of their
own); OFF rounds have no such process. The registration path is the
same in both (no statement is added: tests/test_live_scoring.py).

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench REDIS_URL=redis://127.0.0.1:6379/14 \\
       .venv/bin/python bench/live_scoring.py [ROUND_SECONDS=30] [PAIRS=5] [CONNECTIONS=16]
Prints one JSON line: each round's figures, the runs the scorer made per ON round, the median of the pairs'
p95 ratios (ON ÷ OFF; target ≤ 1.15), git SHA and load average.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")

from bench.loadgen import ensure_wrk, log, machine, run_wrk, serve  # noqa: E402
from bench.registration import BENCH_SETTINGS, _requests, demo_campaign_with_fans  # noqa: E402

TARGET = 1.15
SCORER = """
import os, time, django
os.nice(10)
django.setup()
from django.conf import settings
from entries.services.live_score import score_live_campaigns
runs = 0
while not os.path.exists(os.environ["STOP_FILE"]):
    runs += len(score_live_campaigns())
    deadline = time.monotonic() + settings.LIVE_SCORE_SWEEP_SECONDS
    while time.monotonic() < deadline and not os.path.exists(os.environ["STOP_FILE"]):
        time.sleep(0.2)
print(runs)
"""


def _scorer(stop_file: str) -> subprocess.Popen:
    env = {**os.environ, "CELERY_BROKER_URL": "", "STOP_FILE": stop_file, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", SCORER], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)


def main(seconds: int, pairs: int, connections: int) -> dict:
    import django

    ensure_wrk()
    django.setup()
    from entries.models import Entry, ScoreRun

    per_round = seconds * 1500
    # OFF ON OFF … ON OFF: each ON round is compared with the OFF rounds either side of it, so a drift over the run
    # (the tables grow by ~45,000 entries a round) weighs on both sides alike
    rounds = ["off", "on"] * pairs + ["off"]
    campaign, market_ids, fans = demo_campaign_with_fans(per_round * len(rounds) + 200)
    ScoreRun.objects.filter(campaign=campaign).delete()  # a killed earlier run's would hold the sweep off
    server, port = serve(2, BENCH_SETTINGS, "bench.plain_settings")
    results: dict[str, list] = {"off": [], "on": []}
    stop_file = str(ROOT / ".live-scoring-stop")
    try:
        warm = _requests(fans[-200:], campaign.pk, market_ids, True, first=len(rounds) * per_round, spread=True)
        run_wrk(port, "/graphql", warm, seconds=2, connections=4)
        os.unlink(warm)
        for number, mode in enumerate(rounds):
            share = fans[number * per_round : (number + 1) * per_round]
            file = _requests(share, campaign.pk, market_ids, True, first=number * per_round, spread=True)
            scorer = None
            if mode == "on":
                Path(stop_file).unlink(missing_ok=True)
                scorer = _scorer(stop_file)
                time.sleep(1)
            figures = run_wrk(port, "/graphql", file, seconds=seconds, connections=connections)
            if scorer is not None:
                Path(stop_file).touch()
                out, _ = scorer.communicate(timeout=600)
                figures["scoring_runs"] = int(out.strip().splitlines()[-1]) if out.strip() else 0
            os.unlink(file)
            figures["round"] = number + 1
            log(f"round {number + 1} {mode}: {figures}")
            results[mode].append(figures)
    finally:
        Path(stop_file).unlink(missing_ok=True)
        server.terminate()
        server.wait(timeout=30)
        ScoreRun.objects.filter(campaign=campaign).delete()
        Entry.objects.filter(campaign=campaign).delete()
    ratios = [
        on["p95_ms"] / statistics.mean([results["off"][n]["p95_ms"], results["off"][n + 1]["p95_ms"]])
        for n, on in enumerate(results["on"])
    ]
    median = round(statistics.median(ratios), 3)
    return {
        "bench": "live_scoring",
        "tool": f"wrk -t2 -c{connections} -d{seconds}s, OFF ON × {pairs} then OFF (GraphQL upsertViewerEntry)",
        "ratio": "each ON round's p95 over the mean of the OFF rounds before and after it",
        "rounds": results,
        "p95_ratios_on_over_off": [round(ratio, 3) for ratio in ratios],
        "median_p95_ratio": median,
        "target": TARGET,
        "passed": median <= TARGET and all(row.get("scoring_runs", 0) >= 1 for row in results["on"]),
        "scorer": "separate process, nice 10, the product's sweep (every 20 s; a run at most every 40 s and 2x its "
        "duration)",
        "settings_differing_from_production": {**BENCH_SETTINGS, "CELERY_BROKER_URL": "redis (local)"},
        **machine(),
    }


if __name__ == "__main__":
    args = sys.argv[1:]
    print(
        json.dumps(
            main(
                int(args[0]) if args else 30,
                int(args[1]) if len(args) > 1 else 5,
                int(args[2]) if len(args) > 2 else 16,
            )
        )
    )
