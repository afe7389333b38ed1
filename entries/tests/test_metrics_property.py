"""Metrics agree with a brute-force count in Python on a generated campaign of 20,000 entries
(catalog §3.6.5, §3.6.6): a property test over the filters (hypothesis draws them)."""

import copy
import random
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Fan
from campaigns.models import Campaign, Market
from codes.models import Code
from entries import metrics
from entries.models import Entry

pytestmark = pytest.mark.django_db

ENTRIES = 20_000
MARKETS = 12
NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def generated(require_postgres):
    """A campaign with 12 markets and 20,000 entries with random ranked markets, scores, verdicts,
    confirmations, and assigned codes for about 5 % of them."""
    rng = random.Random(20261121)
    campaign = Campaign.objects.create(name="Generated", options={})
    markets = [
        Market.objects.create(
            campaign=campaign, name=f"M{n:02d}", city="C", state="S", timezone="UTC", event_ids=[str(n)]
        )
        for n in range(MARKETS)
    ]
    fans = Fan.objects.bulk_create(Fan(global_user_id=f"gen-{n}", email=f"g{n}@example.com") for n in range(ENTRIES))
    entries = []
    for fan in fans:
        chosen = rng.sample(markets, rng.randint(1, 4))
        entry = Entry(
            campaign=campaign,
            fan=fan,
            score=None if rng.random() < 0.1 else round(rng.random(), 2),
            verdict=rng.random() < 0.85,
            date_phone_confirmed=NOW if rng.random() < 0.7 else None,
        )
        entry.set_market_ids([m.pk for m in chosen])
        entries.append(entry)
    entries = Entry.objects.bulk_create(entries, batch_size=2000)
    codes = []
    for n, entry in enumerate(rng.sample(entries, ENTRIES // 20)):
        market_id = rng.choice(entry.market_ids)
        codes.append(
            Code(
                campaign=campaign,
                code=f"CODE{n:06d}",
                type="tm",
                market_id=market_id,
                entry=entry,
                fan_id=entry.fan_id,
                date_saved=NOW,
                date_assigned=NOW,
            )
        )
    Code.objects.bulk_create(codes)
    selected = {(c.entry.pk, c.market_id) for c in codes}
    return campaign, entries, [m.pk for m in markets], selected


def _brute(
    entries, selected, *, confirm, verdict_only, include_prev=True, min_score=None, max_score=None, markets=None
):
    selected_entries = {entry_id for entry_id, _ in selected}
    kept = []
    for e in entries:
        if confirm and e.date_phone_confirmed is None:
            continue
        if verdict_only and not e.verdict:
            continue
        if min_score is not None and (e.score is None or e.score < min_score):
            continue
        if max_score is not None and (e.score is None or e.score > max_score):
            continue
        if not include_prev and e.pk in selected_entries:
            continue
        if markets is not None and not set(e.market_ids) & set(markets):
            continue
        kept.append(e)
    counts = {}
    for e in kept:
        for rank, market_id in enumerate(e.market_ids):
            if markets is None or market_id in markets:
                counts.setdefault(market_id, [0, 0, 0, 0])[rank] += 1
    return len(kept), [{"id": m, "counts": counts[m]} for m in sorted(counts)]


scores = st.one_of(st.none(), st.sampled_from([0.0, 0.2, 0.35, 0.5, 0.77, 1.0]))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(confirm=st.booleans(), include_prev=st.booleans(), low=scores, high=scores, pick=st.integers(0, 2**12 - 1))
def test_metrics_match_a_brute_force_count(
    generated, django_assert_max_num_queries, confirm, include_prev, low, high, pick
):
    # given: the generated campaign, with or without phone confirmation required
    stored, entries, market_ids, selected = generated
    campaign = copy.copy(stored)
    campaign.options = {"promptConfirmPhone": confirm}
    chosen = [m for bit, m in enumerate(market_ids) if pick >> bit & 1] or None
    # when / then: each metric is one query and equals the brute-force count
    with django_assert_max_num_queries(1):
        by_pref = metrics.entries_by_market_preference(campaign)
    assert by_pref == _brute(entries, selected, confirm=confirm, verdict_only=False)[1]

    with django_assert_max_num_queries(1):
        eligible = metrics.eligible_by_market_preference(
            campaign, include_prev_selected=include_prev, min_score=low, max_score=high
        )
    expected_eligible = _brute(
        entries, selected, confirm=confirm, verdict_only=True, include_prev=include_prev, min_score=low, max_score=high
    )
    assert eligible == expected_eligible[1]

    with django_assert_max_num_queries(1):
        verified = metrics.verified_count_by_market(campaign, min_score=low, max_score=high)
    _, verified_rows = _brute(entries, selected, confirm=confirm, verdict_only=True, min_score=low, max_score=high)
    assert verified == [{"id": row["id"], "count": sum(row["counts"])} for row in verified_rows]

    with django_assert_max_num_queries(1):
        counts = metrics.eligible_counts(
            campaign, market_ids=chosen, include_prev_selected=include_prev, min_score=low, max_score=high
        )
    total, rows = _brute(
        entries,
        selected,
        confirm=confirm,
        verdict_only=True,
        include_prev=include_prev,
        min_score=low,
        max_score=high,
        markets=chosen,
    )
    assert counts["count"] == total
    # and the portable UNION ALL form (SQLite) counts the same as GROUPING SETS
    rows_for = metrics.eligible_entries(campaign, include_prev_selected=include_prev, min_score=low, max_score=high)
    assert sorted(metrics._rank_rows_union(rows_for, chosen, True)) == sorted(
        metrics._rank_rows_grouping_sets(rows_for, chosen, True)
    )
    with django_assert_max_num_queries(1):
        selected_by_market = metrics.total_selected_by_market(campaign)
    expected_selected = {}
    for _, market_id in selected:
        expected_selected[market_id] = expected_selected.get(market_id, 0) + 1
    # every market of the campaign is listed, 0 where nobody is selected (issue 32)
    market_ids = sorted(campaign.markets.values_list("pk", flat=True))
    assert selected_by_market == [{"id": m, "count": expected_selected.get(m, 0)} for m in market_ids]
    assert counts["byMarket"] == [
        {
            "marketId": row["id"],
            "count": sum(row["counts"]),
            "countsByPreferenceRank": [{"rank": r, "count": n} for r, n in enumerate(row["counts"])],
        }
        for row in rows
    ]
