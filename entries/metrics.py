"""Registration metrics (catalog §3.6.5, §3.6.6; decisions.md "Entries and scoring").

Every function is one aggregate SQL query over the campaign's entries: the four ranked market columns
``market_0..3`` are counted in one scan with ``GROUPING SETS`` on PostgreSQL (a ``UNION ALL`` of four
grouped scans elsewhere), so the cost does not grow with the number of markets.

Definitions:
- *counted entry* (``entriesByMarketPreference``): phone-confirmed when the campaign asks for phone
  confirmation (``options.promptConfirmPhone``) — and, once the campaign closed, confirmed before it
  closed (seeds REQ-003: unconfirmed entries are ineligible at close) —, every entry otherwise (decisions.md #49);
- *verified*: a counted entry with ``verdict = true`` and ``minScore <= score <= maxScore`` (inclusive; the score
  is an uploaded file's, else the bot score: ``entries.models.ENTRY_SCORE``; an unscored entry fails any given bound);
- *eligible*: verified, and not previously selected (holding an assigned code) unless
  ``includePrevSelected``;
- *selected*: holds an assigned code for the market.
"""

from datetime import UTC

from django.db import connection
from django.db.models import CharField, Count, Exists, F, IntegerField, OuterRef, Q, Value
from django.db.models.functions import TruncDay, TruncHour

from campaigns.models import Market
from codes.models import Code
from entries.models import ENTRY_SCORE, MARKET_RANK_FIELDS, PREFERENCE_RANKS, Entry
from entries.selectors import any_rank

RANKS = PREFERENCE_RANKS
_TOTAL = -1


def counted_entries(campaign):
    """Entries that count for the campaign's metrics: phone-confirmed when confirmation is required, and
    confirmed before the campaign closed once it has (``date_closed``)."""
    rows = Entry.objects.filter(campaign_id=campaign.pk)
    if (campaign.options or {}).get("promptConfirmPhone"):
        rows = rows.filter(date_phone_confirmed__isnull=False)
        if campaign.date_closed is not None:
            rows = rows.filter(date_phone_confirmed__lte=campaign.date_closed)
    return rows


def verified_entries(campaign, *, min_score=None, max_score=None):
    """Counted entries with ``verdict = true`` within the inclusive score bounds."""
    rows = counted_entries(campaign).filter(verdict=True)
    if min_score is None and max_score is None:
        return rows
    rows = rows.alias(ranked_score=ENTRY_SCORE)
    if min_score is not None:
        rows = rows.filter(ranked_score__gte=min_score)
    if max_score is not None:
        rows = rows.filter(ranked_score__lte=max_score)
    return rows


def eligible_entries(campaign, *, include_prev_selected=False, min_score=None, max_score=None):
    """Verified entries, without those holding an assigned code unless ``include_prev_selected``."""
    rows = verified_entries(campaign, min_score=min_score, max_score=max_score)
    if not include_prev_selected:
        assigned = Code.objects.filter(campaign_id=campaign.pk, entry_id=OuterRef("pk"), date_assigned__isnull=False)
        rows = rows.filter(~Exists(assigned))
    return rows


_GROUPING_RANK = {0b0111: 0, 0b1011: 1, 0b1101: 2, 0b1110: 3}


def _rank_rows(rows, market_ids=None, with_total=False):
    """One query: ``[(market_id, rank, n)]`` counting ``rows`` by ranked market (plus ``("", -1, total)``).

    PostgreSQL counts all four ranks (and the total) in one scan with ``GROUPING SETS``; other databases
    run a ``UNION ALL`` of four grouped scans.
    """
    if connection.vendor == "postgresql":
        return _rank_rows_grouping_sets(rows, market_ids, with_total)
    return _rank_rows_union(rows, market_ids, with_total)


def _rank_rows_union(rows, market_ids, with_total):
    parts = []
    for rank, name in enumerate(MARKET_RANK_FIELDS):
        part = rows.filter(**{f"{name}__isnull": False})
        if market_ids is not None:
            part = part.filter(**{f"{name}__in": market_ids})
        parts.append(
            part.values(market=F(f"{name}_id"))
            .annotate(rank=Value(rank, output_field=IntegerField()), n=Count("pk"))
            .order_by()
        )
    if with_total:
        total = rows.filter(any_rank(market_ids)) if market_ids is not None else rows
        parts.append(
            total.annotate(market=Value("", output_field=CharField()))
            .values("market")
            .annotate(rank=Value(_TOTAL, output_field=IntegerField()), n=Count("pk"))
            .order_by()
        )
    query = parts[0].union(*parts[1:], all=True)
    return [(row["market"], row["rank"], row["n"]) for row in query]


#: Planner settings for the metrics' one big aggregate, local to its transaction (PostgreSQL): hash rather than
#: sort the ranked-market combinations, in memory, and let parallel workers share the scan, the anti-join on
#: assigned codes and a first aggregation (its few thousand groups are cheap to gather). 3.3 million eligible
#: entries: 3.0 s → 1.5 s on 2 cores (docs/selection.md "Past one machine").
_AGGREGATE_SETTINGS = {"enable_sort": "off", "work_mem": "64MB", "parallel_tuple_cost": "0.01"}


def grouping_sets_query(rows, market_ids, with_total) -> tuple[str, tuple]:
    """The aggregate of ``_rank_rows_grouping_sets`` over ``rows`` (entries), as ``(sql, params)``."""
    if market_ids is not None:
        rows = rows.filter(any_rank(market_ids))
    columns = [f"{name}_id" for name in MARKET_RANK_FIELDS]
    sql, params = rows.values_list(*columns).order_by().query.sql_with_params()
    sets = "(m0), (m1), (m2), (m3)" + (", ()" if with_total else "")
    query = (
        "SELECT m0, m1, m2, m3, GROUPING(m0, m1, m2, m3), COALESCE(SUM(n), 0)::bigint FROM ("  # noqa: S608 - the inner query is Django's own SQL; the grouping sets are constants
        f"SELECT m0, m1, m2, m3, COUNT(*) FROM ({sql}) AS ranked (m0, m1, m2, m3) GROUP BY m0, m1, m2, m3"
        f") AS combinations (m0, m1, m2, m3, n) GROUP BY GROUPING SETS ({sets})"
    )
    return query, params


def _rank_rows_grouping_sets(rows, market_ids, with_total):
    """Count the entries by their ranked-market combination first (one hash lookup per entry, in parallel
    workers), then each rank's markets and the total over those combinations with ``GROUPING SETS``."""
    query, params = grouping_sets_query(rows, market_ids, with_total)
    wanted = set(market_ids) if market_ids is not None else None
    result = []
    # One round trip: the settings, the query and their reset in one string (the query's own implicit transaction
    # when none is open; the caller's otherwise, which gets its settings back).
    settings = "; ".join(f"SET LOCAL {name} = '{value}'" for name, value in _AGGREGATE_SETTINGS.items())
    resets = "; ".join(f"RESET {name}" for name in _AGGREGATE_SETTINGS)
    with connection.cursor() as cursor:
        cursor.execute(f"{settings}; {query}; {resets}", params)
        while cursor.description is None:
            cursor.nextset()
        counted = cursor.fetchall()
    for m0, m1, m2, m3, grouping, n in counted:
        if grouping == 0b1111:
            result.append(("", _TOTAL, n))
            continue
        rank = _GROUPING_RANK[grouping]
        market_id = (m0, m1, m2, m3)[rank]
        if market_id is not None and (wanted is None or market_id in wanted):
            result.append((market_id, rank, n))
    return result


def _by_market(rank_rows) -> list[dict]:
    counts: dict[str, list[int]] = {}
    for market_id, rank, n in rank_rows:
        if rank != _TOTAL:
            counts.setdefault(market_id, [0] * RANKS)[rank] += n
    return [{"id": market_id, "counts": counts[market_id]} for market_id in sorted(counts)]


def entries_by_market_preference(campaign) -> list[dict]:
    """``metrics.entriesByMarketPreference``: ``[{id: marketId, counts: [n_rank0..n_rank3]}]`` by market id."""
    return _by_market(_rank_rows(counted_entries(campaign)))


def registered_by_market(campaign) -> list[dict]:
    """Every registered entry by market and rank, confirmed or not (``entries_by_market_preference`` counts only the
    ones the metrics count): ``[{id: marketId, counts: [n_rank0..n_rank3]}]``."""
    return _by_market(_rank_rows(Entry.objects.filter(campaign_id=campaign.pk)))


def eligible_by_market_preference(campaign, *, include_prev_selected=False, min_score=None, max_score=None):
    """``metrics.eligibleByMarketPreference``: the same shape over eligible entries."""
    rows = eligible_entries(
        campaign, include_prev_selected=include_prev_selected, min_score=min_score, max_score=max_score
    )
    return _by_market(_rank_rows(rows))


def verified_count_by_market(campaign, *, min_score=None, max_score=None) -> list[dict]:
    """``metrics.verifiedCountByMarket``: ``[{id, count}]`` of verified fans who chose the market at any rank."""
    return [
        {"id": row["id"], "count": sum(row["counts"])}
        for row in _by_market(_rank_rows(verified_entries(campaign, min_score=min_score, max_score=max_score)))
    ]


def total_selected_by_market(campaign) -> list[dict]:
    """``metrics.totalSelectedByMarket``: ``[{id, count}]`` of fans holding an assigned code, for every market of
    the campaign (0 where nobody is selected), in market id order."""
    held = Q(codes__date_assigned__isnull=False, codes__entry__isnull=False, codes__campaign_id=campaign.pk)
    rows = (
        Market.objects.filter(campaign_id=campaign.pk)
        .annotate(count=Count("codes__entry_id", distinct=True, filter=held))
        .order_by("pk")
        .values_list("pk", "count")
    )
    return [{"id": market_id, "count": count} for market_id, count in rows]


def eligible_counts(campaign, *, market_ids=None, include_prev_selected=False, min_score=None, max_score=None):
    """``RegistrationCampaign.eligibileCounts``: ``{count, byMarket: [{marketId, count,
    countsByPreferenceRank: [{rank, count}]}]}`` (catalog §3.6.5, decisions.md #15).

    ``count`` is the number of distinct eligible fans who chose any of ``market_ids`` at any rank (every
    eligible fan when ``market_ids`` is None or empty); ``byMarket`` lists the requested markets (all
    chosen markets when none are requested) that have eligible fans.
    """
    market_ids = [str(m) for m in market_ids] if market_ids else None
    rows = eligible_entries(
        campaign, include_prev_selected=include_prev_selected, min_score=min_score, max_score=max_score
    )
    rank_rows = _rank_rows(rows, market_ids, with_total=True)
    total = sum(n for _, rank, n in rank_rows if rank == _TOTAL)
    return {
        "count": total,
        "byMarket": [
            {
                "marketId": row["id"],
                "count": sum(row["counts"]),
                "countsByPreferenceRank": [{"rank": rank, "count": n} for rank, n in enumerate(row["counts"])],
            }
            for row in _by_market(rank_rows)
        ],
    }


def registrations_over_time(campaign, *, unit: str, since) -> list[dict]:
    """Registrations of the campaign per ``unit`` (``hour`` or ``day``, UTC) from ``since`` (UTC datetime):
    ``[{"at": UTC datetime of the bucket's start, "count": n}]``, oldest first, empty buckets left out."""
    trunc = {"hour": TruncHour, "day": TruncDay}[unit]("date_created", tzinfo=UTC)
    rows = (
        Entry.objects.filter(campaign_id=campaign.pk, date_created__gte=since)
        .annotate(at=trunc)
        .values("at")
        .annotate(count=Count("id"))
        .order_by("at")
    )
    return [{"at": row["at"], "count": row["count"]} for row in rows]


def registration_funnel(campaign) -> dict:
    """The registration half of the campaign's funnel: ``{"registered", "phoneConfirmed", "verified",
    "eligible"}`` (counts; ``verified``/``eligible`` as ``metrics.*`` define them)."""
    rows = Entry.objects.filter(campaign_id=campaign.pk)
    return {
        "registered": rows.count(),
        "phoneConfirmed": rows.filter(date_phone_confirmed__isnull=False).count(),
        "verified": verified_entries(campaign).count(),
        "eligible": eligible_entries(campaign).count(),
    }
