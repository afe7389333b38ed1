"""Advisory locks that refuse misuse (``monoql.locks``; decisions.md "Wave prep and selection exclude each other")."""

import threading

import pytest
from django.db import connection, transaction

from monoql import locks
from monoql.errors import Unavailable

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_lock_outside_a_transaction_raises(require_postgres):
    """Outside ``transaction.atomic()`` an advisory transaction lock would protect nothing."""
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        locks.lock(locks.SELECTION_DATA, "campaign-1")


def test_a_wait_that_runs_out_answers_lock_timeout_and_leaves_the_transaction_usable(require_postgres):
    """A bounded wait: SERVICE_UNAVAILABLE ``LOCK_TIMEOUT``; the caller's transaction goes on."""
    # given another session holding the campaign's lock exclusively
    held, release = threading.Event(), threading.Event()

    def holder():
        try:
            with transaction.atomic():
                locks.lock(locks.SELECTION_DATA, "campaign-1")
                held.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(10)
    try:
        # when this session asks for it with a short timeout
        with transaction.atomic():
            with pytest.raises(Unavailable) as busy:
                locks.lock(locks.SELECTION_DATA, "campaign-1", shared=True, timeout_seconds=0.2)
            # then the answer is coded, and the transaction still works (another campaign's key is free)
            assert (busy.value.code, busy.value.reason) == ("SERVICE_UNAVAILABLE", "LOCK_TIMEOUT")
            locks.lock(locks.SELECTION_DATA, "campaign-2", timeout_seconds=0.2)
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                assert cursor.fetchone() == (1,)
    finally:
        release.set()
        thread.join()


def test_shared_holders_do_not_wait_for_each_other(require_postgres):
    """Markets of one selection apply side by side: two shared holders of one key both get it at once."""
    held, release = threading.Event(), threading.Event()

    def holder():
        try:
            with transaction.atomic():
                locks.lock(locks.SELECTION_DATA, "campaign-1", shared=True)
                held.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(10)
    try:
        with transaction.atomic():
            locks.lock(locks.SELECTION_DATA, "campaign-1", shared=True, timeout_seconds=0.2)
    finally:
        release.set()
        thread.join()
