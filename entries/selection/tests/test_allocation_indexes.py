"""Every index on ``entries_allocation`` is justified by a query that uses it (checked with EXPLAIN), and a
waitlisted row — two thirds of a markets-mode run's rows — lands in three of them: the selected rows' index by
market, written out of order, is partial (issue 35: it cost the wave prep more than any other write). A new
index fails here until it is given its query."""

import pytest
from django.db import connection

from tests.index_plans import indexes_on, plan_without_scans

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

#: index → (a query it serves, as the code runs it).
JUSTIFIED = {
    # the notices mark the rows they sent (selection.notify_selected_fans)
    "entries_allocation_pkey": "UPDATE entries_allocation SET date_notified = now() WHERE id IN (1, 2)",
    # selection, the prepped zip and the notices read one market's selected rows of a run
    "allocation_selected_idx": (
        f"SELECT entry_id, code FROM entries_allocation WHERE wave_prep_id = 1 AND market_id = '{'m'.ljust(24, '1')}'"
        " AND outcome = 'selected' ORDER BY position"
    ),
    # a retry clears its attempt's rows, a re-trigger the earlier run's
    "allocation_prep_idx": "DELETE FROM entries_allocation WHERE wave_prep_id = 1",
    # a fan's outcomes (their status page, erasure)
    "allocation_entry_idx": "SELECT wave_prep_id FROM entries_allocation WHERE entry_id = 7 AND outcome = 'waitlisted'",
}


def test_every_index_on_allocations_is_justified_by_a_query(require_postgres):
    assert set(indexes_on("entries_allocation")) == set(JUSTIFIED)


@pytest.fixture
def two_runs():
    """Two runs of 2,000 outcome rows over 20 markets, one in five selected, analyzed (rolled back with the test): on
    an empty table the planner may take any index of the run for a market's selected rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO entries_allocation (wave_prep_id, entry_id, market_id, outcome, preference_rank, position,"
            " code, code_type) SELECT 1 + g % 2, g, rpad('m', 24, ((g / 2) % 20)::text), CASE WHEN g % 5 = 0 THEN"
            " 'selected' ELSE 'waitlisted' END, 0, g, '', '' FROM generate_series(1, 4000) g"
        )
        cursor.execute("ANALYZE entries_allocation")


@pytest.mark.parametrize("index", sorted(JUSTIFIED))
def test_the_query_of_each_index_uses_it(require_postgres, two_runs, index):
    # given two runs' rows, analyzed, and the planner told to avoid sequential scans; when the query is planned
    plan = plan_without_scans(JUSTIFIED[index])
    # then
    assert index in plan, plan


def test_a_waitlisted_row_writes_three_index_entries(require_postgres):
    # given the indexes of the table and their predicates
    rows = indexes_on("entries_allocation")
    # then a waitlisted row is in every index but the selected rows' one
    waitlisted = [name for name, definition in rows.items() if "'selected'" not in definition.partition(" WHERE ")[2]]
    assert waitlisted == ["allocation_entry_idx", "allocation_prep_idx", "entries_allocation_pkey"]
