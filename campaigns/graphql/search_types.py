"""Discovery search and promoter types (catalog §1.4 "Discovery / search", "Promoter")."""

import graphene

from campaigns.graphql.market_types import GeoPoint
from monoql.dates import iso


class DiscoveryArtist(graphene.ObjectType):
    id = graphene.String()
    discovery_id = graphene.String()
    name = graphene.String()
    image_url = graphene.String()
    needs_id = graphene.Boolean()


class DiscoveryVenue(graphene.ObjectType):
    id = graphene.String()
    discovery_id = graphene.String()
    name = graphene.String()
    image_url = graphene.String()
    needs_id = graphene.Boolean()
    locale = graphene.String()
    city = graphene.String()
    state = graphene.String()
    country = graphene.String()
    zip = graphene.String()
    timezone = graphene.String()
    point = graphene.Field(GeoPoint)


class LocalizedUrl(graphene.ObjectType):
    locale = graphene.String()
    url = graphene.String()
    is_default = graphene.Boolean()


class PromoterDate(graphene.ObjectType):
    created = graphene.String()
    updated = graphene.String()


class Promoter(graphene.ObjectType):
    id = graphene.String()
    name = graphene.String()
    privacyUrls = graphene.List(LocalizedUrl)
    date = graphene.Field(PromoterDate)

    @staticmethod
    def resolve_privacyUrls(promoter, info):
        return promoter.privacy_urls

    @staticmethod
    def resolve_date(promoter, info):
        return {"created": iso(promoter.date_created), "updated": iso(promoter.date_updated)}


class Identity(graphene.ObjectType):
    url = graphene.String()
    version = graphene.ID()
    integratorId = graphene.ID()
    placementId = graphene.ID()


class Ppc(graphene.ObjectType):
    url = graphene.String()
    id = graphene.ID()
    token = graphene.ID()
