"""Market types (catalog §1.4 "Markets"), resolved from ``campaigns.models.Market``."""

import graphene

from campaigns.graphql.enums import SplitAllocationType
from monoql.dates import iso


class GeoPoint(graphene.ObjectType):
    latitude = graphene.Float()
    longitude = graphene.Float()


class MarketVenue(graphene.ObjectType):
    name = graphene.String()


class SplitAllocation(graphene.ObjectType):
    link = graphene.String()
    type = graphene.Field(SplitAllocationType)
    isActive = graphene.Boolean()


class MarketEvent(graphene.ObjectType):
    id = graphene.ID()
    ids = graphene.List(graphene.ID)
    name = graphene.String()
    date = graphene.String()
    presaleDateTime = graphene.String()
    ticketer = graphene.String()
    venue = graphene.Field(MarketVenue)
    link = graphene.String()
    sharedCode = graphene.String()
    splitAllocation = graphene.Field(SplitAllocation)


def market_event(market) -> dict:
    """Return the ``MarketEvent`` object of a Market row."""
    split = None
    if market.split_allocation_type:
        split = {
            "type": market.split_allocation_type,
            "link": market.split_allocation_link or None,
            "isActive": market.split_allocation_is_active,
        }
    return {
        "id": market.event_ids[0] if market.event_ids else None,
        "ids": list(market.event_ids),
        "name": market.event_name or None,
        "date": iso(market.event_date),
        "presaleDateTime": iso(market.event_presale_date_time),
        "ticketer": market.event_ticketer or None,
        "venue": {"name": market.event_venue_name} if market.event_venue_name else None,
        "link": market.event_link or None,
        "sharedCode": market.event_shared_code or None,
        "splitAllocation": split,
    }


class Market(graphene.ObjectType):
    id = graphene.String()
    city = graphene.String()
    state = graphene.String()
    population = graphene.Int()
    timezone = graphene.String()
    point = graphene.Field(GeoPoint)
    event = graphene.Field(MarketEvent)
    name = graphene.String()
    isAddedShow = graphene.Boolean()
    promoterIds = graphene.List(graphene.String)

    @staticmethod
    def resolve_point(market, info):
        if market.latitude is None or market.longitude is None:
            return None
        return {"latitude": market.latitude, "longitude": market.longitude}

    @staticmethod
    def resolve_event(market, info):
        return market_event(market)

    @staticmethod
    def resolve_isAddedShow(market, info):
        return market.is_added_show

    @staticmethod
    def resolve_promoterIds(market, info):
        return market.promoter_ids
