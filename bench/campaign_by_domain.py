"""``viewer.campaign(domain:)`` (the fan page's query) through gunicorn, measured from outside with wrk:
cached (answer cache + campaign cache on Redis, the answer served before GraphQL runs) against uncached
(``GRAPHQL_RESPONSE_CACHE=false CAMPAIGN_CACHE=false``), alternating rounds A B A B A B.

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python bench/campaign_by_domain.py [ROUND_SECONDS=20] [CONNECTIONS=16]

Loads the demo campaign (16 markets, en_US + fr_CA) and starts two gunicorns (4 sync workers each, free
ports) that differ only in the two cache settings. Rate limits stay on: each request comes from its own
address (``X-Forwarded-For`` through one trusted proxy), so the limiter counts every request without
refusing the load. Prints one JSON line: each round (rps, p50/p95/p99 ms, errors), the median speedup
cached / uncached, the gates (speedup >= 5, cached p95 < 50 ms), git SHA and load average.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")

from bench.loadgen import ensure_wrk, log, machine, median_ratio, run_wrk, serve, write_requests  # noqa: E402

QUERY = """
query getCampaign($domain: String!, $locale: String) {
  viewer { campaign(domain: $domain, locale: $locale) {
    id name status
    ... on RegistrationCampaign {
      artist { name image_url } tour { name } domain { site share }
      date { open close presaleWindowStart presaleWindowEnd }
      currentLocale { id } locales { id is_default }
      content { localized { locale value { meta body { started { welcome { header above_button
        sign_in_button_content } registration { header submit_button_content } entry { header main } }
        finished { welcome { header main } } terms { main } } errors { code message } } } }
      preferences { id type is_optional label { localized { locale value } } additional }
      markets { id name city state timezone population point { latitude longitude }
        event { id ids name date presaleDateTime venue { name } } }
      options { requirePassword allowIntlPhones promptConfirmPhone gate { card } }
      eligibility { isEligible reason }
    }
  } }
}
"""
SERVER_SETTINGS = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "RATE_LIMIT_ENABLED": "true",
    "RATE_LIMIT_TRUSTED_PROXIES": "1",
}
MODES = {
    "cached": {"GRAPHQL_RESPONSE_CACHE": "true", "CAMPAIGN_CACHE": "true"},
    "uncached": {"GRAPHQL_RESPONSE_CACHE": "false", "CAMPAIGN_CACHE": "false"},
}


def _requests() -> str:
    body = json.dumps({"query": QUERY, "variables": {"domain": "metallica.localhost", "locale": "en_US"}})
    return write_requests([(f"ip:10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}", body) for n in range(250_000)])


def main(seconds: int, connections: int) -> dict:
    import django

    ensure_wrk()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from campaigns.services.demo import load_demo
    from monoql.audit import Actor

    call_command("migrate", verbosity=0)
    text = (settings.DISCOVERY_DATA_DIR / "events-page.json").read_text()
    load_demo(
        text,
        admin_username="bench",
        admin_email="bench@example.com",
        admin_password="bench-pw-123",
        actor=Actor.command("bench"),
    )
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache"), "set REDIS_URL: the cached path is Redis"
    requests_file = _requests()
    servers = {mode: serve(4, {**SERVER_SETTINGS, **env}) for mode, env in MODES.items()}
    rounds: dict[str, list] = {"uncached": [], "cached": []}
    try:
        for _, port in servers.values():
            run_wrk(port, "/graphql", requests_file, seconds=2, connections=4)  # warm every worker
        for number in range(6):
            mode = "uncached" if number % 2 == 0 else "cached"
            figures = run_wrk(servers[mode][1], "/graphql", requests_file, seconds=seconds, connections=connections)
            figures["round"] = number + 1
            log(f"round {number + 1} {mode}: {figures}")
            rounds[mode].append(figures)
    finally:
        for server, _ in servers.values():
            server.terminate()
            server.wait(timeout=30)
        os.unlink(requests_file)
    pairs = [(a["rps"], b["rps"]) for a, b in zip(rounds["uncached"], rounds["cached"], strict=True)]
    cached_p95 = sorted(row["p95_ms"] for row in rounds["cached"])[1]
    speedup = median_ratio(pairs)
    return {
        "bench": "campaign_by_domain",
        "tool": f"wrk -t2 -c{connections} -d{seconds}s, A B A B A B (uncached, cached)",
        "round_seconds": seconds,
        "connections": connections,
        "gunicorn_workers": 4,
        "rounds": rounds,
        "median_speedup": speedup,
        "cached_median_p95_ms": cached_p95,
        "errors": sum(row["errors"] + row["socket_errors"] for rows in rounds.values() for row in rows),
        "settings_differing_from_production": SERVER_SETTINGS,
        "gate": {"speedup": 5, "cached_p95_ms": 50},
        "passed": bool(speedup and speedup >= 5 and cached_p95 < 50),
        **machine(),
    }


if __name__ == "__main__":
    args = sys.argv[1:]
    print(json.dumps(main(int(args[0]) if args else 20, int(args[1]) if len(args) > 1 else 16)))
