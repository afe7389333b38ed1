"""Output types of metrics, eligibility counts, stats and scoring files (catalog §1.4)."""

import graphene

from entries.models import StatStatus, StatType, VerdictFilter
from monoql.dates import iso
from monoql.graphql.enums import enum_from_choices
from monoql.graphql.scalars import JSON


class MarketPreferenceCounts(graphene.ObjectType):
    """How many entries ranked one market at each preference rank."""

    id = graphene.ID(description="The market id (24 hex characters).")
    counts = graphene.List(
        graphene.Int,
        description="counts[i] = entries that ranked the market at preference index i (0 = first choice).",
    )


class MarketEligibilityCount(graphene.ObjectType):
    """A count of entries for one market."""

    id = graphene.ID(description="The market id (24 hex characters).")
    count = graphene.Int(description="How many entries the metric counts for the market.")


class EligibleCountsByMarketPreferenceRank(graphene.ObjectType):
    """Eligible entries that ranked a market at one preference rank."""

    rank = graphene.Int(description="The preference rank, 1 for a fan's first choice.")
    count = graphene.Int(description="How many eligible entries ranked the market there.")


class EligibleCountsByMarket(graphene.ObjectType):
    """Eligible entries of one market, in all and per preference rank."""

    marketId = graphene.ID(required=True, description="The market id (24 hex characters).")
    count = graphene.Int(description="How many eligible entries ranked the market at any rank.")
    countsByPreferenceRank = graphene.List(
        EligibleCountsByMarketPreferenceRank, description="The same count split by preference rank, rank 1 first."
    )


class EligibleCounts(graphene.ObjectType):
    """How many entries selection could pick now (verdict allowed, phone confirmed where asked, in score range)."""

    count = graphene.Int(description="Eligible entries of the campaign, each counted once.")
    byMarket = graphene.List(EligibleCountsByMarket, description="Eligible entries per market asked for.")


StatsType = enum_from_choices(StatType, name="StatsType", description="What a stats row reports on.")
StatsStatus = enum_from_choices(
    StatStatus,
    name="StatsStatus",
    description="Where the work a stats row tracks stands.",
    descriptions={
        "PENDING": "Queued; no worker has started it.",
        "PROCESSING": "A worker is running it.",
        "FINISHED": "Done; its counts are final.",
        "FAILED": "Stopped with an error; see its meta.",
    },
)
FilterType = enum_from_choices(
    VerdictFilter, name="FilterType", description="What flipVerdicts does to the tagged entries."
)


class StatsDate(graphene.ObjectType):
    """When a stats row was created and last changed."""

    created = graphene.String(
        required=True, description="When the row was created, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    updated = graphene.String(
        description="When the row was last changed, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )


class StatsError(graphene.ObjectType):
    """An error the work a stats row tracks ran into."""

    message = graphene.String(description="What went wrong, in English, for staff.")


class Stat(graphene.ObjectType):
    """One stats document; resolves from an ``entries.models.Stat`` row."""

    campaignId = graphene.ID(required=True, description="The campaign id (24 hex characters).")
    marketId = graphene.ID(description="The market the row is about (24 hex characters); null for the campaign.")
    dateId = graphene.String(required=True, description="The row's date id, such as a dateKey (YYYYMMDD).")
    date = graphene.Field(StatsDate, description="When the row was created and last changed.")
    type = graphene.Field(StatsType, required=True, description="What the row reports on.")
    meta = JSON(description="Free JSON its producer keeps (counts per step, messages).")
    count = JSON(description="The row's count: a number, or JSON counts per kind.")
    errors = graphene.List(StatsError, description="Errors the tracked work ran into, oldest first.")
    status = graphene.Field(StatsStatus, description="Where the tracked work stands.")

    @staticmethod
    def resolve_campaignId(row, info):
        return row.campaign_id

    @staticmethod
    def resolve_marketId(row, info):
        return row.market_id or None

    @staticmethod
    def resolve_dateId(row, info):
        return row.date_id

    @staticmethod
    def resolve_date(row, info):
        return {"created": iso(row.date_created), "updated": iso(row.date_updated)}

    @staticmethod
    def resolve_errors(row, info):
        return [{"message": str(e.get("message") if isinstance(e, dict) else e)} for e in row.errors or []]


class Scored(graphene.ObjectType):
    """A scoring file uploaded to the campaign (uploadScored) and what it held."""

    date = graphene.String(
        required=True, description="When the file was uploaded, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    count = graphene.Int(description="How many scored records the file held.")
    verifiedCount = graphene.Int(description="How many of them were verified fans (verdict allowed).")
    path = graphene.String(description="Where the file is stored (storage key), for staff.")


class File(graphene.ObjectType):
    """An uploaded file: ``url`` of the stored copy, ``name``, ``contentType``; ``report`` (monoql) says
    what processing it did: matched/unmatched rows, values added, entries blocked."""

    url = graphene.String(required=True, description="The stored copy's URL (https, signed, expiring).")
    name = graphene.String(description="The file's name as stored, such as scored-20261215.csv.")
    contentType = graphene.String(description="The file's MIME type, such as text/csv.")
    report = JSON(description="What processing did: {matched, unmatched, added, blocked, ...} row counts.")


class UpdatedCount(graphene.ObjectType):
    """How many rows an operation changed."""

    count = graphene.Int(description="How many rows were changed (0 when nothing matched).")
