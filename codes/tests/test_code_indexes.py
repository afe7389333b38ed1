"""Eras scale (issue 25, the ``codes_code`` index diet): every index on ``codes_code`` is justified by a query
that uses it (checked with EXPLAIN); the market foreign key's plain and ``_like`` indexes are gone (the
partial ``code_market_idx`` serves it) and ``code_assigned_idx`` holds assigned codes only, so an uploaded
code writes 4 index entries instead of 7. A new index fails here until it is given its query."""

import pytest

from tests.index_plans import indexes_on, plan_without_scans

pytestmark = pytest.mark.django_db

#: index → (a query it serves, as the code runs it).
JUSTIFIED = {
    "codes_code_pkey": "UPDATE codes_code SET date_assigned = now() WHERE id = ANY('{1,2}')",
    "code_unique_per_campaign": "SELECT id FROM codes_code WHERE campaign_id = 'c' AND code = 'ABC'",
    "code_fresh_idx": (
        "SELECT id FROM codes_code WHERE campaign_id = 'c' AND type = 'tm' AND date_assigned IS NULL"
        " AND date_reserved IS NULL ORDER BY date_saved, id LIMIT 100 FOR UPDATE SKIP LOCKED"
    ),
    "code_unassigned_idx": (
        "SELECT id FROM codes_code WHERE campaign_id = 'c' AND type = 'tm' AND date_assigned IS NULL"
        " AND date_reserved <= now() ORDER BY date_reserved, id LIMIT 100 FOR UPDATE SKIP LOCKED"
    ),
    "code_assigned_idx": (
        "SELECT count(*) FROM codes_code WHERE campaign_id = 'c' AND type = 'tm' AND date_assigned IS NOT NULL"
    ),
    # a wave prep's reserved codes (wave prep, selection, release); the code adds campaign_id and
    # date_assigned IS NULL, which on an empty test table would let the planner pick another index
    "code_reserve_id_idx": "SELECT id FROM codes_code WHERE reserve_id = '00000000-0000-0000-0000-000000000001'",
    "code_entry_idx": "SELECT code FROM codes_code WHERE entry_id = 7 AND date_assigned IS NOT NULL",
    # a fan's codes (privacy export and erasure; "has this fan a code" on real data, where fan_id is selective)
    "code_fan_idx": "SELECT id FROM codes_code WHERE fan_id = 'f'",
    "code_market_idx": (
        "SELECT code FROM codes_code WHERE market_id = 'm' AND entry_id IS NOT NULL AND date_assigned IS NOT NULL"
    ),
}


def test_every_index_on_codes_is_justified_by_a_query(require_postgres):
    assert set(indexes_on("codes_code")) == set(JUSTIFIED)


@pytest.mark.parametrize("index", sorted(JUSTIFIED))
def test_the_query_of_each_index_uses_it(require_postgres, index):
    # given the planner told to avoid sequential scans (the test table is empty), when the query is planned
    plan = plan_without_scans(JUSTIFIED[index])
    # then
    assert index in plan, plan


def test_an_uploaded_code_writes_four_index_entries(require_postgres):
    # given the indexes a fresh code (unassigned, never reserved, no market, entry, fan or reserve id) lands in
    rows = indexes_on("codes_code")
    # (every partial predicate here is a conjunction of IS NULL / IS NOT NULL on columns a fresh code has
    # null: it lands in an index unless the predicate asks for a non-null column)
    fresh = [name for name, definition in rows.items() if "IS NOT NULL" not in definition.partition(" WHERE ")[2]]
    assert sorted(fresh) == ["code_fresh_idx", "code_unassigned_idx", "code_unique_per_campaign", "codes_code_pkey"]
