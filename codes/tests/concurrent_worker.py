"""A worker process for the code concurrency test: reserves, assigns and releases until the pool is empty."""

import os
import random


def churn(database_url: str, campaign_id: str, seed: int) -> list:
    """Run in a fresh process against ``database_url``; return a log of ``(action, [codes])``."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monoql.settings")
    import django

    django.setup()
    from codes.services.inventory import Actor, assign_codes, release_codes, reserve_codes

    return churn_in_process(
        campaign_id, seed, Actor(label=f"worker-{seed}"), reserve_codes, assign_codes, release_codes
    )


def churn_in_process(campaign_id, seed, actor, reserve_codes, assign_codes, release_codes) -> list:
    """Reserve batches of 1–50; assign most of each batch, release the rest; stop when a reserve comes back empty."""
    rng = random.Random(seed)
    log = []
    while True:
        got = reserve_codes(campaign_id, rng.randint(1, 50), "tm", actor=actor)["codes"]
        if not got:
            return log
        log.append(("reserve", got))
        keep = got[: max(1, len(got) * 3 // 4)]
        assign_codes(campaign_id, keep, actor=actor)
        log.append(("assign", keep))
        rest = got[len(keep) :]
        if rest:
            release_codes(campaign_id, rest, actor=actor)
            log.append(("release", rest))
