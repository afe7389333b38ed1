"""The two statements that set planner switches get the plans the switches are there for (issue 42): a plan is
decided by PostgreSQL, not by our code, so a test pins each on an EXPLAIN (the figures behind them are in
docs/decisions.md and bench/results/)."""

import uuid

import pytest
from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import Campaign, CampaignStatus, Market
from entries.metrics import _AGGREGATE_SETTINGS, grouping_sets_query
from entries.models import Entry
from entries.selection.services.selection import _APPLY_SQL

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _plan(sql: str, params, settings: str = "") -> str:
    """The text plan of ``sql`` (EXPLAIN, not run) under ``settings`` (SET LOCAL …), in a transaction of its own."""
    with transaction.atomic(), connection.cursor() as cursor:
        if settings:
            cursor.execute(settings)
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_selection_applies_a_market_by_nested_loops_through_the_campaign_code_index(require_postgres):
    # given the statement that applies one market's selection, planned as selection plans it
    params = {
        "now": timezone.now(),
        "wave_prep_id": 1,
        "market_id": "m" * 24,
        "campaign_id": "c" * 24,
        "reserve_id": uuid.uuid4(),
        "true": True,
        "reassign": False,
    }
    plan = _plan(_APPLY_SQL, params, "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
    # then each planned code is looked up by nested loops (at Eras scale through the (campaign, code) index): never
    # by hashing or merging every code of the campaign (1.5 million, once per market)
    assert "Hash Join" not in plan and "Merge Join" not in plan, plan
    assert plan.count("Nested Loop") >= 2, plan


def test_the_ranked_market_counts_hash_their_combinations_without_sorting(require_postgres):
    # given 20,000 entries ranking 50 markets in some 20,000 different orders (analyzed), on a server whose
    # work_mem is too small to hash that many combinations
    campaign = Campaign.objects.create(name="Plans", status=CampaignStatus.OPEN)
    markets = Market.objects.bulk_create(
        [Market(campaign=campaign, name=f"M{n}", city="C", state="S", timezone="UTC") for n in range(50)]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_fan (id, global_user_id, email, first_name, last_name, phone, zip, do_not_sell,"
            " profile_facts, date_created, date_updated)"
            " SELECT 'pl' || lpad(g::text, 22, '0'), 'plan-' || g, '', '', '', '', '', false, '{}', now(), now()"
            " FROM generate_series(1, 20000) g"
        )
        cursor.execute(
            "INSERT INTO entries_entry (campaign_id, fan_id, fields, locale, attributes, origin, email, phone,"
            " market_0_id, market_1_id, market_2_id, market_3_id, random_score, verdict, tags, date_created,"
            " date_updated) SELECT %s, 'pl' || lpad(g::text, 22, '0'), '{}', 'en_US', '{}', '{}', '', '',"
            " (%s::varchar[])[1 + g %% 50], (%s::varchar[])[1 + (g / 50) %% 50], (%s::varchar[])[1 + (g / 7) %% 50],"
            " (%s::varchar[])[1 + (g / 3) %% 50], random(), true, '{}', now(), now() FROM generate_series(1, 20000) g",
            [campaign.pk, *([[market.pk for market in markets]] * 4)],
        )
        cursor.execute("ANALYZE entries_entry")
    query, params = grouping_sets_query(Entry.objects.filter(campaign=campaign), None, True)
    tight = "SET LOCAL work_mem = '64kB'"
    # when planned as it is sent (the metrics' settings on top), then both aggregations hash: no sort
    metrics = "; ".join([tight, *(f"SET LOCAL {name} = '{value}'" for name, value in _AGGREGATE_SETTINGS.items())])
    plan = _plan(query, params, metrics)
    assert "Sort" not in plan, plan
    assert "HashAggregate" in plan, plan
    # and without them the same server sorts the combinations: the settings are what make the difference
    assert "Sort Key" in _plan(query, params, tight)
