"""Market types (catalog §1.4 "Markets"), resolved from ``campaigns.models.Market``."""

import graphene

from campaigns.graphql.enums import SplitAllocationType
from campaigns.services.markets import market_event_document


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
        return market_event_document(market)

    @staticmethod
    def resolve_isAddedShow(market, info):
        return market.is_added_show

    @staticmethod
    def resolve_promoterIds(market, info):
        return market.promoter_ids
