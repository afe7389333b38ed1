"""Launch speed (issue 23, the index diet): every index on ``entries_entry`` is justified by a query that
uses it; each new entry writes fewer index entries (the single-column ``campaign_id`` and the two
``varchar_pattern_ops`` ``_like`` indexes are gone: the unique (campaign, fan) prefix serves "by campaign").
A new index fails here until it is given its query."""

import pytest
from django.db import connection

from tests.index_plans import indexes_on

pytestmark = pytest.mark.django_db

#: index → the query it serves.
JUSTIFIED = {
    "entries_entry_pkey": "every lookup by entry id (selection joins, codes.entry_id, allocations)",
    "entry_one_per_fan": "one entry per fan and campaign (upsert ON CONFLICT); 'entries of a campaign' by prefix",
    "entry_fan_idx": "a fan's entries (viewer.campaign.entry, privacy export/erase, doNotSell)",
    "entry_campaign_created_idx": "entries of a campaign by date (exports, dashboard registrations per hour)",
    "entry_confirmed_phone_unique": "one confirmed phone per campaign (submitConfirm)",
    "entry_email_prefix_idx": "scored-file and blacklist matching by email (entries.services.scoring, blacklist) and the"
    " admin's email prefix search (varchar_pattern_ops)",
    "entry_phone_idx": "scored-file and blacklist matching by phone",
    "entry_receipt_due_idx": "the receipt sweep: due receipts not yet sent (entries.send_due_receipts)",
}


def test_every_index_on_entries_is_justified_by_a_query(require_postgres):
    assert set(indexes_on("entries_entry")) == set(JUSTIFIED)


def test_entries_of_a_campaign_and_of_a_fan_still_use_an_index(require_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plans = []
        for where in ("campaign_id = 'c' ", "fan_id = 'f' "):
            cursor.execute(f"EXPLAIN SELECT id FROM entries_entry WHERE {where}")
            plans.append(" ".join(row[0] for row in cursor.fetchall()))
        cursor.execute("SET enable_seqscan = on")
    assert "entry_one_per_fan" in plans[0] or "entry_campaign_created_idx" in plans[0]
    assert "entry_fan_idx" in plans[1]
