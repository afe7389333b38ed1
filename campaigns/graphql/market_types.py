"""Market types (catalog §1.4 "Markets"), resolved from ``campaigns.models.Market``."""

import graphene

from campaigns.graphql.enums import SplitAllocationType
from campaigns.services.markets import market_event_document


class GeoPoint(graphene.ObjectType):
    """Where a market's venue is, in WGS 84 degrees (for maps and distance to the fan)."""

    latitude = graphene.Float(description="Latitude in decimal degrees, -90 to 90 (WGS 84).")
    longitude = graphene.Float(description="Longitude in decimal degrees, -180 to 180 (WGS 84).")


class MarketVenue(graphene.ObjectType):
    """The venue of a market's show, as Ticketmaster Discovery names it."""

    name = graphene.String(description="Venue name, such as 'Madison Square Garden'.")


class SplitAllocation(graphene.ObjectType):
    """A market whose places are shared with another sale (split allocation, catalog §1.4)."""

    link = graphene.String(description="The other sale's link, shown to fans when the split is active.")
    type = graphene.Field(
        SplitAllocationType, description="concurrent: both sales at once; sequential: the other sale follows."
    )
    isActive = graphene.Boolean(description="True when the split applies to this market's presale.")


class MarketEvent(graphene.ObjectType):
    """The show a market sells: its Ticketmaster event(s), dates, venue and ticketing link."""

    id = graphene.ID(description="The main Ticketmaster Discovery event id of the show.")
    ids = graphene.List(graphene.ID, description="Every Discovery event id of the show (added dates, platinum...).")
    name = graphene.String(description="Event name as Discovery gives it.")
    date = graphene.String(
        description="When the show starts, UTC ISO-8601 date-time (2017-06-18T23:00:00Z); show it in the market's timezone."
    )
    presaleDateTime = graphene.String(
        description="When the presale opens, UTC ISO-8601 date-time (2017-06-18T23:00:00Z); show it in the market's timezone."
    )
    ticketer = graphene.String(description="Who sells the tickets, such as TM (Ticketmaster) or LN.")
    venue = graphene.Field(MarketVenue, description="The venue of the show.")
    link = graphene.String(description="URL of the event's ticketing page, where codes are redeemed.")
    sharedCode = graphene.String(description="One code for every selected fan of the market, when the sale uses one.")
    splitAllocation = graphene.Field(
        SplitAllocation, description="Set when the market's places are split with another sale."
    )


class Market(graphene.ObjectType):
    """A market: one show of the campaign (a venue and date) that fans rank when they register."""

    id = graphene.String(description="The market id (24 hex characters); fans send it in the form's market fields.")
    city = graphene.String(description="City of the venue, such as Chicago.")
    state = graphene.String(description="State or province code of the venue, such as IL or QC.")
    population = graphene.Int(
        description="The market's capacity: at most this many fans are selected (and given codes) in it."
    )
    timezone = graphene.String(description="IANA time zone of the venue, such as America/Chicago: show dates in it.")
    point = graphene.Field(GeoPoint, description="Where the venue is; null when unknown.")
    event = graphene.Field(MarketEvent, description="The show this market sells.")
    name = graphene.String(description="Display name of the market, such as 'Chicago, IL - Soldier Field'.")
    isAddedShow = graphene.Boolean(
        description="Flags an added show (a date added to the tour); shown to fans as new, no rule depends on it."
    )
    promoterIds = graphene.List(graphene.String, description="Ids of the promoters of this show (staff exports).")

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
