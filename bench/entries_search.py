"""The admin's entries list and search on a 1,000,000-entry campaign (issue 40; bench/metrics.py's generator, with
phones and first names given to 1 % of its fans): the list filtered to the campaign, then searched by an email's
beginning, by a phone typed as people type it, by an entry id and by a first name inside the campaign. Each page is
the full admin response (query, count estimate, rendering) through Django's test client, caches cleared, median of
5 after one warm-up.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/monoql_bench REDIS_URL=redis://127.0.0.1:6379/14 \\
    .venv/bin/python bench/entries_search.py [ENTRIES]
Prints one JSON line: {"bench": "entries_search", "entries", "seconds": {page: median}, "found": {page: rows},
"target_seconds": 1, "passed"}.
"""

import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.metrics import bench_campaign  # noqa: E402  (sets Django up)
from entries.models import Entry  # noqa: E402

TARGET_SECONDS = 1.0


def _people(campaign) -> None:
    """Give 1 % of the campaign's fans a phone and a first name (idempotent)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE entries_entry SET phone = '+1212' || lpad((id %% 10000000)::text, 7, '0')"
            " WHERE campaign_id = %s AND id %% 100 = 0 AND phone = ''",
            [campaign.pk],
        )
        cursor.execute(
            "UPDATE accounts_fan f SET first_name = CASE WHEN e.id %% 200 = 0 THEN 'Alice' ELSE 'Bob' END"
            " FROM entries_entry e WHERE e.fan_id = f.id AND e.campaign_id = %s AND e.id %% 100 = 0"
            " AND f.first_name = ''",
            [campaign.pk],
        )
        cursor.execute("ANALYZE entries_entry; ANALYZE accounts_fan;")


def _page(client: Client, url: str) -> tuple[float, int]:
    cache.clear()
    started = time.perf_counter()
    response = client.get(url, HTTP_HOST="localhost")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    rows = len(re.findall(r'<input type="checkbox" name="_selected_action"', response.content.decode()))
    return elapsed, rows


def main(n: int = 1_000_000) -> dict:
    call_command("migrate", verbosity=0)
    setup_test_environment()
    campaign, generated = bench_campaign(n)
    _people(campaign)
    sample = Entry.objects.filter(campaign=campaign).exclude(phone="").order_by("pk").first()
    digits = sample.phone[2:]
    user = get_user_model().objects.filter(
        username="bench-search"
    ).first() or get_user_model().objects.create_superuser("bench-search", "bench@example.com", "pw-Bench-123!")
    client = Client()
    client.force_login(user)
    base = f"/admin/entries/entry/?campaign__id__exact={campaign.pk}"
    pages = {
        "list": base,
        "email prefix": f"{base}&q={sample.email[:6]}",
        "phone as typed": f"{base}&q=({digits[:3]}) {digits[3:6]}-{digits[6:]}",
        "entry id": f"{base}&q={sample.pk}",
        "first name in the campaign": f"{base}&q=alice",
        "email prefix, every campaign": f"/admin/entries/entry/?q={sample.email[:6]}",
    }
    seconds, found = {}, {}
    for name, url in pages.items():
        _page(client, url)
        runs = [_page(client, url) for _ in range(5)]
        seconds[name] = round(statistics.median(elapsed for elapsed, _ in runs), 3)
        found[name] = runs[-1][1]
    return {
        "bench": "entries_search",
        "entries": n,
        "generated_seconds": generated,
        "seconds": seconds,
        "found": found,
        "target_seconds": TARGET_SECONDS,
        "passed": all(value < TARGET_SECONDS for value in seconds.values()) and all(found.values()),
    }


if __name__ == "__main__":
    print(json.dumps(main(*(int(value) for value in sys.argv[1:2]))))
