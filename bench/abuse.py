"""Abuse under load: one client floods anonymous GraphQL requests from one address while 50 signed-in fans
register at the same time (gunicorn + PostgreSQL + Redis, rate limits and metrics on, one trusted proxy so
each client has its own ``X-Forwarded-For`` address).

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench REDIS_URL=redis://127.0.0.1:6379/14 \\
       .venv/bin/python bench/abuse.py [SECONDS=30] [CLIENTS=50] [WORKERS=2] [THINK_MS=500] [FLOOD=viewer]

FLOOD=fragments runs the fans twice in the same run — alone, then beside a fragment-bomb flooder (1.6 KB
anonymous documents of 30 fragments, each spreading the next twice: 2**30 fields once expanded), sent over
wrk (3 connections, outside this process) from three addresses (the fault as reported: "three at once"; the
anonymous rate limit and the query-cost check both apply) — and reports both p95s and their ratio (acceptance: ≤ 1.5).
FLOOD=fragments-botnet sends each bomb from a new address, so only the query-cost check stops it: this
measures what any flood of cheap requests costs on the same cores (a matter for a WAF/CDN in front).
FLOOD=signins (issue 33) runs real fans signing in (each a new account from its own address, through a configured
proxy: ``RATE_LIMIT_TRUSTED_PROXY_ADDRESSES=127.0.0.1``) alone, then beside a sign-in flood over wrk (3 connections,
outside this process) from a new forwarded address per request, cycling 50 bot accounts' valid identity tokens;
reports the fans' sign-in p95 alone and beside the flood and their ratio (acceptance: ≤ 2, no fan refused).
Each registering client registers a new fan, waits THINK_MS, and again; the flooder sends
``{ viewer { isLoggedIn } }`` over 4 connections without pause. Prints one JSON line: the flooder's
answers (ok / rate limited), the fans' registrations (count, p50/p95/p99 ms, RATE_LIMITED answers, other
errors) and whether the acceptance holds (flooder limited, fans p95 < 500 ms, no fan RATE_LIMITED).
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")

from bench.loadgen import machine, serve  # noqa: E402
from bench.registration import BENCH_SETTINGS, UPSERT, _entry, demo_campaign_with_fans  # noqa: E402

FLOOD = json.dumps({"query": "{ viewer { isLoggedIn } }"})


def fragment_bomb(depth: int = 30) -> str:
    """``{ ...F0 }`` where ``F{i}`` spreads ``F{i+1}`` twice: 2**depth leaf fields after expansion."""
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(depth - 1)]
    fragments.append(f"fragment F{depth - 1} on Query {{ viewer {{ isLoggedIn }} }}")
    return json.dumps({"query": "query Bomb { ...F0 } " + " ".join(fragments)})


BOMB = fragment_bomb()


def _post(port, body, headers):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/graphql", body, {"Content-Type": "application/json", **headers})
    response = connection.getresponse()
    answer = response.read()
    connection.close()
    return response.status, answer


def _flooder(port, deadline, counts, lock):
    while time.monotonic() < deadline:
        status, answer = _post(port, FLOOD, {"X-Forwarded-For": "198.51.100.66"})
        with lock:
            key = "rate_limited" if status == 429 else ("ok" if status == 200 else "other")
            counts[key] += 1


def _registrant(port, deadline, jobs, think, results, lock):
    while time.monotonic() < deadline:
        with lock:
            if not jobs:
                return
            number, token, body = jobs.pop()
        started = time.perf_counter()
        status, answer = _post(
            port,
            body,
            {"Authorization": f"Bearer {token}", "X-Forwarded-For": f"203.0.{number // 250 % 250}.{number % 250 + 1}"},
        )
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            results["latencies"].append(elapsed)
            if status == 429 or b"RATE_LIMITED" in answer:
                results["rate_limited"] += 1
            elif status != 200 or b'"errors"' in answer:
                results["errors"] += 1
        time.sleep(think)


def _registration_jobs(needed: int):
    """The demo campaign and ``needed`` jobs ``(number, session token, upsertViewerEntry body)``, one per fan."""
    from accounts.tokens import issue_session_token

    campaign, market_ids, fans = demo_campaign_with_fans(needed)
    jobs = [
        (
            n,
            issue_session_token(fan_id, is_supreme=False, permissions={}, tm_sig="").token,
            json.dumps({"query": UPSERT, "variables": {"c": campaign.pk, "e": _entry(n, market_ids)}}),
        )
        for n, fan_id in enumerate(fans)
    ]
    return campaign, jobs


def _summary(latencies: list, result: dict, seconds: float) -> dict:
    latencies = sorted(latencies)
    return {
        "registrations": len(latencies),
        "per_minute": round(len(latencies) / seconds * 60),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1) if latencies else None,
        "rate_limited": result["rate_limited"],
        "errors": result["errors"],
    }


def _fans_phase(port, seconds, clients, jobs, think_ms, extra_threads=()):
    lock = threading.Lock()
    result = {"latencies": [], "rate_limited": 0, "errors": 0}
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=target, args=(port, deadline, *args)) for target, args in extra_threads]
    threads += [
        threading.Thread(target=_registrant, args=(port, deadline, jobs, think_ms / 1000, result, lock))
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return _summary(result["latencies"], result, seconds)


#: wrk's report, shared by the flooders' scripts: requests, p95 and the answers counted by status.
LUA_DONE = """
function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do counts[status] = (counts[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(counts) do table.insert(parts, string.format('"%d": %d', status, count)) end
  io.write(string.format('WRKJSON {"requests": %d, "p95_ms": %.1f, "statuses": {%s}}\\n',
    summary.requests, latency:percentile(95) / 1000, table.concat(parts, ", ")))
end
"""

BOMB_LUA = """
local threads = {}
local body = %s
local botnet = %s
function setup(thread) table.insert(threads, thread) end
function init(args) n = 0; statuses = {} end
function request()
  n = n + 1
  local address
  if botnet then address = string.format("100.%%d.%%d.%%d", 64 + math.floor(n / 65025) %% 64, math.floor(n / 255) %% 255, n %% 255 + 1)
  else address = string.format("198.51.100.%%d", n %% 3 + 10) end
  return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json", ["X-Forwarded-For"] = address}, body)
end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
{done}"""


def _wrk_flooder(port: int, seconds: float, botnet: bool, work: str) -> subprocess.Popen:
    """Start wrk (3 connections, "three at once") posting the fragment bomb for ``seconds``."""
    script = os.path.join(work, "bomb.lua")
    with open(script, "w") as handle:
        handle.write(BOMB_LUA.replace("{done}", "%s") % (json.dumps(BOMB), "true" if botnet else "false", LUA_DONE))
    return subprocess.Popen(
        ["wrk", "-t1", "-c3", f"-d{int(seconds)}s", "-s", script, f"http://127.0.0.1:{port}/graphql"],
        stdout=subprocess.PIPE,
        text=True,
    )


def fragments(seconds: float, clients: int, workers: int, think_ms: int, botnet: bool = False) -> dict:
    """Fans alone, then fans beside the fragment-bomb flooder (wrk, outside this process), in one run."""
    import django

    django.setup()
    from django.core.cache import cache

    from entries.models import Entry

    needed = 3 * (int(clients * seconds / (think_ms / 1000 + 0.05)) + clients)
    campaign, jobs = _registration_jobs(needed)
    cache.clear()
    os.environ.update({"RATE_LIMIT_ENABLED": "true", "RATE_LIMIT_TRUSTED_PROXIES": "1"})
    server, port = serve(workers, BENCH_SETTINGS)
    work = tempfile.mkdtemp(prefix="monoql-abuse-")
    try:
        _post(port, FLOOD, {"X-Forwarded-For": "192.0.2.1"})
        _fans_phase(port, 5, clients, jobs, think_ms)  # warm up (not measured): workers, caches, pools
        alone = _fans_phase(port, seconds, clients, jobs, think_ms)
        flooder = _wrk_flooder(port, seconds, botnet, work)
        flooded = _fans_phase(port, seconds, clients, jobs, think_ms)
        output, _ = flooder.communicate(timeout=seconds + 30)
    finally:
        server.terminate()
        server.wait(timeout=30)
        Entry.objects.filter(campaign=campaign).delete()
        shutil.rmtree(work, ignore_errors=True)
    line = next((line for line in output.splitlines() if line.startswith("WRKJSON ")), "WRKJSON {}")
    bombs = json.loads(line.removeprefix("WRKJSON "))
    statuses = bombs.get("statuses", {})
    ratio = round(flooded["p95_ms"] / alone["p95_ms"], 2) if alone["p95_ms"] and flooded["p95_ms"] else None
    return {
        "bench": "abuse_fragments",
        "seconds_per_phase": seconds,
        "gunicorn_workers": workers,
        "bomb_bytes": len(BOMB),
        "attackers": "a new address per request" if botnet else "3 addresses",
        "flooder": {
            "tool": "wrk -t1 -c3",
            "requests": bombs.get("requests"),
            "requests_per_second": round((bombs.get("requests") or 0) / seconds, 1),
            "statuses": statuses,
            "p95_ms": bombs.get("p95_ms"),
        },
        "fans_alone": {"clients": clients, "think_ms": think_ms, **alone},
        "fans_with_flood": {"clients": clients, "think_ms": think_ms, **flooded},
        "p95_ratio": ratio,
        "load_average": os.getloadavg(),
        "acceptance": {
            "no_bomb_executed": bool(statuses) and "200" not in statuses,
            "fans_p95_within_1_5x": ratio is not None and ratio <= 1.5,
            "fans_no_errors": flooded["errors"] == 0 and flooded["rate_limited"] == 0,
        },
    }


AUTHENTICATE = "mutation A($t: String) { authenticate(credentials: {token: $t}) { auth { token } } }"

SIGNIN_LUA = """
local threads = {}
local bodies = %s
function setup(thread) table.insert(threads, thread) end
function init(args) n = 0; statuses = {} end
function request()
  n = n + 1
  local address = string.format("100.%%d.%%d.%%d", 64 + math.floor(n / 65025) %% 64, math.floor(n / 255) %% 255, n %% 255 + 1)
  return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json", ["X-Forwarded-For"] = address},
    bodies[(n %% #bodies) + 1])
end
function response(status, headers, body)
  local key = status
  if string.find(body, "TOO_MANY_SIGN_INS", 1, true) then key = 4290 end
  statuses[key] = (statuses[key] or 0) + 1
end
{done}"""


def _signer(port, deadline, jobs, think, results, lock):
    """A real fan: signs in with a new account's identity token from their own address, waits, again."""
    while time.monotonic() < deadline:
        with lock:
            if not jobs:
                return
            number, body = jobs.pop()
        started = time.perf_counter()
        status, answer = _post(port, body, {"X-Forwarded-For": f"203.0.{number // 250 % 250}.{number % 250 + 1}"})
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            results["latencies"].append(elapsed)
            if status == 429 or b"RATE_LIMITED" in answer:
                results["rate_limited"] += 1
            elif status != 200 or b'"errors"' in answer:
                results["errors"] += 1
        time.sleep(think)


def _signin_phase(port, seconds, clients, jobs, think_ms):
    lock = threading.Lock()
    result = {"latencies": [], "rate_limited": 0, "errors": 0}
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_signer, args=(port, deadline, jobs, think_ms / 1000, result, lock))
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return _summary(result["latencies"], result, seconds)


def signins(seconds: float, clients: int, workers: int, think_ms: int) -> dict:
    """Real fans signing in alone, then beside a sign-in flood from many addresses through the configured proxy."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache

    from accounts.identity import DevelopmentIdentityProvider
    from accounts.models import Fan

    provider = DevelopmentIdentityProvider(settings.IDENTITY_DEV_SECRET)
    stamp = int(time.time())

    def body(email):
        token = provider.mint({"sub": f"g-{email}", "email": email}, 3600)
        return json.dumps({"query": AUTHENTICATE, "variables": {"t": token}})

    needed = 3 * (int(clients * seconds / (think_ms / 1000 + 0.05)) + clients)
    jobs = [(n, body(f"signin-fan{n}-{stamp}@example.com")) for n in range(needed)]
    bots = [body(f"signin-bot{n}-{stamp}@example.com") for n in range(50)]
    cache.clear()
    os.environ.update({"RATE_LIMIT_ENABLED": "true", "RATE_LIMIT_TRUSTED_PROXY_ADDRESSES": "127.0.0.1"})
    os.environ.pop("RATE_LIMIT_TRUSTED_PROXIES", None)
    server, port = serve(workers, BENCH_SETTINGS)
    work = tempfile.mkdtemp(prefix="monoql-abuse-")
    try:
        _signin_phase(port, 5, clients, jobs, think_ms)  # warm up (not measured): workers, caches, pools
        alone = _signin_phase(port, seconds, clients, jobs, think_ms)
        script = os.path.join(work, "signin.lua")
        with open(script, "w") as handle:
            handle.write(
                SIGNIN_LUA.replace("{done}", "%s") % ("{" + ", ".join(json.dumps(b) for b in bots) + "}", LUA_DONE)
            )
        flooder = subprocess.Popen(
            ["wrk", "-t1", "-c3", f"-d{int(seconds)}s", "-s", script, f"http://127.0.0.1:{port}/graphql"],
            stdout=subprocess.PIPE,
            text=True,
        )
        flooded = _signin_phase(port, seconds, clients, jobs, think_ms)
        output, _ = flooder.communicate(timeout=seconds + 30)
    finally:
        server.terminate()
        server.wait(timeout=30)
        Fan.objects.filter(email__endswith=f"-{stamp}@example.com").delete()
        shutil.rmtree(work, ignore_errors=True)
    line = next((line for line in output.splitlines() if line.startswith("WRKJSON ")), "WRKJSON {}")
    flood = json.loads(line.removeprefix("WRKJSON "))
    statuses = flood.get("statuses", {})
    ratio = round(flooded["p95_ms"] / alone["p95_ms"], 2) if alone["p95_ms"] and flooded["p95_ms"] else None
    return {
        "bench": "abuse_signins",
        "seconds_per_phase": seconds,
        "gunicorn_workers": workers,
        "proxy": "RATE_LIMIT_TRUSTED_PROXY_ADDRESSES=127.0.0.1, a new X-Forwarded-For address per flood request",
        "flooder": {
            "tool": "wrk -t1 -c3",
            "accounts": len(bots),
            "requests": flood.get("requests"),
            "requests_per_second": round((flood.get("requests") or 0) / seconds, 1),
            "statuses": statuses,
            "refused_too_many_sign_ins": statuses.get("4290", 0),
        },
        "fans_alone": {"clients": clients, "think_ms": think_ms, **alone},
        "fans_with_flood": {"clients": clients, "think_ms": think_ms, **flooded},
        "p95_ratio": ratio,
        **machine(),
        "acceptance": {
            "fans_p95_within_2x": ratio is not None and ratio <= 2,
            "fans_never_refused": flooded["errors"] == 0 and flooded["rate_limited"] == 0,
        },
    }


def main(seconds: float, clients: int, workers: int, think_ms: int) -> dict:
    import django

    django.setup()
    from django.core.cache import cache

    from entries.models import Entry

    needed = int(clients * seconds / (think_ms / 1000 + 0.05)) + clients
    campaign, jobs = _registration_jobs(needed)
    cache.clear()  # fresh rate-limit windows
    os.environ.update({"RATE_LIMIT_ENABLED": "true", "RATE_LIMIT_TRUSTED_PROXIES": "1"})
    server, port = serve(workers, BENCH_SETTINGS)
    lock = threading.Lock()
    flood = {"ok": 0, "rate_limited": 0, "other": 0}
    try:
        _post(port, FLOOD, {"X-Forwarded-For": "192.0.2.1"})  # warm up
        fans = _fans_phase(port, seconds, clients, jobs, think_ms, [(_flooder, (flood, lock))] * 4)
    finally:
        server.terminate()
        server.wait(timeout=30)
        Entry.objects.filter(campaign=campaign).delete()
    return {
        "bench": "abuse",
        "seconds": seconds,
        "gunicorn_workers": workers,
        "flooder": {**flood, "requests_per_second": round(sum(flood.values()) / seconds, 1)},
        "fans": {"clients": clients, "think_ms": think_ms, **fans},
        "acceptance": {
            "flooder_limited": flood["rate_limited"] > 0 and flood["ok"] <= 100 * (seconds / 60 + 1),
            "fans_p95_under_500ms": fans["p95_ms"] is not None and fans["p95_ms"] < 500,
            "fans_never_rate_limited": fans["rate_limited"] == 0,
        },
    }


if __name__ == "__main__":
    args = sys.argv[1:]
    flood = args[4] if len(args) > 4 else "viewer"
    numbers = (
        float(args[0]) if args else 30,
        int(args[1]) if len(args) > 1 else 50,
        int(args[2]) if len(args) > 2 else 2,
        int(args[3]) if len(args) > 3 else 500,
    )
    if flood == "signins":
        print(json.dumps(signins(*numbers)))
    elif flood.startswith("fragments"):
        print(json.dumps(fragments(*numbers, botnet=flood == "fragments-botnet")))
    else:
        print(json.dumps(main(*numbers)))
