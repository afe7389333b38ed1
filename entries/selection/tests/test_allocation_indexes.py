"""Every index on ``entries_allocation`` is justified by a query that uses it (checked with EXPLAIN), and a
waitlisted row — two thirds of a markets-mode run's rows — lands in three of them: the selected rows' index by
market, written out of order, is partial (issue 35: it cost the wave prep more than any other write). A new
index fails here until it is given its query."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

#: index → (a query it serves, as the code runs it).
JUSTIFIED = {
    # the notices mark the rows they sent (selection.notify_selected_fans)
    "entries_allocation_pkey": "UPDATE entries_allocation SET date_notified = now() WHERE id IN (1, 2)",
    # selection, the prepped zip and the notices read one market's selected rows of a run
    "allocation_selected_idx": (
        "SELECT entry_id, code FROM entries_allocation WHERE wave_prep_id = 1 AND market_id = 'm'"
        " AND outcome = 'selected' ORDER BY position"
    ),
    # a retry clears its attempt's rows, a re-trigger the earlier run's
    "allocation_prep_idx": "DELETE FROM entries_allocation WHERE wave_prep_id = 1",
    # a fan's outcomes (their status page, erasure)
    "allocation_entry_idx": "SELECT wave_prep_id FROM entries_allocation WHERE entry_id = 7 AND outcome = 'waitlisted'",
}


def test_every_index_on_allocations_is_justified_by_a_query(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'entries_allocation'")
        found = {name for (name,) in cursor.fetchall()}
    assert found == set(JUSTIFIED)


@pytest.mark.parametrize("index", sorted(JUSTIFIED))
def test_the_query_of_each_index_uses_it(require_postgres, index):
    # given the planner told to avoid sequential scans (the test table is empty)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        # when
        cursor.execute(f"EXPLAIN {JUSTIFIED[index]}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # then
    assert index in plan, plan


def test_a_waitlisted_row_writes_three_index_entries(require_postgres):
    # given the indexes of the table and their predicates
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'entries_allocation' ORDER BY indexname"
        )
        rows = cursor.fetchall()
    # then a waitlisted row is in every index but the selected rows' one
    waitlisted = [name for name, definition in rows if "'selected'" not in definition.partition(" WHERE ")[2]]
    assert waitlisted == ["allocation_entry_idx", "allocation_prep_idx", "entries_allocation_pkey"]
