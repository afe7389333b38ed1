"""Output types of metrics, eligibility counts, stats and scoring files (catalog §1.4)."""

import graphene

from monoql.dates import iso
from monoql.graphql.scalars import JSON


class MarketPreferenceCounts(graphene.ObjectType):
    id = graphene.ID()
    counts = graphene.List(graphene.Int)


class MarketEligibilityCount(graphene.ObjectType):
    id = graphene.ID()
    count = graphene.Int()


class EligibleCountsByMarketPreferenceRank(graphene.ObjectType):
    rank = graphene.Int()
    count = graphene.Int()


class EligibleCountsByMarket(graphene.ObjectType):
    marketId = graphene.ID(required=True)
    count = graphene.Int()
    countsByPreferenceRank = graphene.List(EligibleCountsByMarketPreferenceRank)


class EligibleCounts(graphene.ObjectType):
    count = graphene.Int()
    byMarket = graphene.List(EligibleCountsByMarket)


class StatsType(graphene.Enum):
    """What a stats row reports on."""

    filterList = "filterList"
    selection = "selection"

    @property
    def description(self):
        return {
            "filterList": "A fan-list filter run (tags, verdicts) and its counts.",
            "selection": "One market's selection (triggerSelection) and its counts.",
        }.get(self.name)


class StatsStatus(graphene.Enum):
    """Where the work a stats row tracks stands."""

    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"

    @property
    def description(self):
        return {
            "PENDING": "Queued; no worker has started it.",
            "PROCESSING": "A worker is running it.",
            "FINISHED": "Done; its counts are final.",
            "FAILED": "Stopped with an error; see its meta.",
        }.get(self.name)


class FilterType(graphene.Enum):
    """What flipVerdicts does to the tagged entries."""

    allow = "allow"
    block = "block"

    @property
    def description(self):
        return {
            "allow": "Allow the tagged entries again (verdict true).",
            "block": "Block the tagged entries (verdict false: kept, never selected).",
        }.get(self.name)


class StatsDate(graphene.ObjectType):
    created = graphene.String(required=True)
    updated = graphene.String()


class StatsError(graphene.ObjectType):
    message = graphene.String()


class Stat(graphene.ObjectType):
    """One stats document; resolves from an ``entries.models.Stat`` row."""

    campaignId = graphene.ID(required=True)
    marketId = graphene.ID()
    dateId = graphene.String(required=True)
    date = graphene.Field(StatsDate)
    type = graphene.Field(StatsType, required=True)
    meta = JSON()
    count = JSON()
    errors = graphene.List(StatsError)
    status = graphene.Field(StatsStatus)

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
    date = graphene.String(required=True)
    count = graphene.Int()
    verifiedCount = graphene.Int()
    path = graphene.String()


class File(graphene.ObjectType):
    """An uploaded file: ``url`` of the stored copy, ``name``, ``contentType``; ``report`` (monoql) says
    what processing it did: matched/unmatched rows, values added, entries blocked."""

    url = graphene.String(required=True)
    name = graphene.String()
    contentType = graphene.String()
    report = JSON()


class UpdatedCount(graphene.ObjectType):
    count = graphene.Int()
