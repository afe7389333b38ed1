"""No code is ever reserved or assigned twice under concurrent reservers (PostgreSQL, threads and processes)."""

import io
import multiprocessing
from collections import Counter

import pytest
from django.db import connection

from codes.models import Code
from codes.services.inventory import Actor, assign_codes, count_codes, release_codes, reserve_codes
from codes.services.upload import upload_codes
from codes.tests.concurrent_worker import churn, churn_in_process
from conftest import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
POOL = 10_000


@pytest.fixture
def pool_of_ten_thousand(require_postgres, demo_campaign):
    data = b"".join(f"P{n:05d}\n".encode() for n in range(POOL))
    upload_codes(demo_campaign.pk, "tm", io.BytesIO(data), actor=Actor(label="setup"))
    return demo_campaign


def _check(logs, campaign):
    reserved_from_pool = Counter()
    assigned = Counter()
    for log in logs:
        for action, codes in log:
            if action == "assign":
                assigned.update(codes)
            if action == "reserve":
                reserved_from_pool.update(codes)
    # no code assigned twice, every code assigned exactly once in the end
    assert max(assigned.values()) == 1
    assert len(assigned) == POOL
    # a code is reserved more than once only after it was released in between
    released = Counter(code for log in logs for action, codes in log if action == "release" for code in codes)
    assert all(reserved_from_pool[code] == released[code] + 1 for code in reserved_from_pool)
    assert count_codes(campaign.pk, "tm") == {"available": 0, "assigned": POOL, "reserved": 0}
    assert Code.objects.filter(campaign=campaign, date_assigned__isnull=False).count() == POOL


def test_sixteen_threads_drain_the_pool_without_double_reservation(pool_of_ten_thousand):
    campaign = pool_of_ten_thousand
    logs, errors = run_concurrently(
        16, lambda n: churn_in_process(campaign.pk, n, Actor(label=f"t{n}"), reserve_codes, assign_codes, release_codes)
    )
    assert errors == []
    _check(logs, campaign)


def test_four_processes_drain_the_pool_without_double_reservation(pool_of_ten_thousand):
    campaign = pool_of_ten_thousand
    settings_dict = connection.settings_dict
    url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as workers:
        logs = workers.starmap(churn, [(url, campaign.pk, seed) for seed in range(4)])
    _check(logs, campaign)
