"""Advisory locks that refuse misuse (``monoql.locks``; decisions.md "Wave prep and selection exclude each other")."""

import pytest
from django.db import connection, transaction

from conftest import held_in_another_session
from monoql import locks
from monoql.errors import Unavailable
from monoql.transactions import TransactionRequired

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_lock_outside_a_transaction_raises(require_postgres):
    """Outside ``transaction.atomic()`` an advisory transaction lock would protect nothing."""
    with pytest.raises(TransactionRequired, match="outside a transaction it protects nothing"):
        locks.lock(locks.SELECTION_DATA, "campaign-1")


def test_a_wait_that_runs_out_answers_lock_timeout_and_leaves_the_transaction_usable(require_postgres):
    """A bounded wait: SERVICE_UNAVAILABLE ``LOCK_TIMEOUT``; the caller's transaction goes on."""
    # given another session holding the campaign's lock exclusively
    with held_in_another_session(lambda: locks.lock(locks.SELECTION_DATA, "campaign-1")):
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


def test_shared_holders_do_not_wait_for_each_other(require_postgres):
    """Markets of one selection apply side by side: two shared holders of one key both get it at once."""
    with held_in_another_session(lambda: locks.lock(locks.SELECTION_DATA, "campaign-1", shared=True)):
        with transaction.atomic():
            locks.lock(locks.SELECTION_DATA, "campaign-1", shared=True, timeout_seconds=0.2)
