"""Discovery search and promoter types (catalog §1.4 "Discovery / search", "Promoter")."""

import graphene

from campaigns.graphql.market_types import GeoPoint
from monoql.dates import iso

_DISCOVERY_ID = "Ticketmaster Discovery id of the {}, such as {}."


class DiscoveryArtist(graphene.ObjectType):
    """An artist found in Ticketmaster Discovery (searchArtists), ready to set as a campaign's artist."""

    id = graphene.String(description="Our artist id (24 hex characters), when the artist is stored here already.")
    discovery_id = graphene.String(description=_DISCOVERY_ID.format("attraction", "K8vZ9171ob7"))
    name = graphene.String(description="The artist's name as Discovery gives it.")
    image_url = graphene.String(description="URL of the artist's best Discovery image (https).")
    needs_id = graphene.Boolean(description="True when the artist has no Discovery id yet (staff must set one).")


class DiscoveryVenue(graphene.ObjectType):
    """A venue found in Ticketmaster Discovery (searchVenues), ready to set as a market's venue."""

    id = graphene.String(description="Our venue id (24 hex characters), when the venue is stored here already.")
    discovery_id = graphene.String(description=_DISCOVERY_ID.format("venue", "KovZpZAFnIEA"))
    name = graphene.String(description="The venue's name as Discovery gives it, such as Madison Square Garden.")
    image_url = graphene.String(description="URL of the venue's best Discovery image (https).")
    needs_id = graphene.Boolean(description="True when the venue has no Discovery id yet (staff must set one).")
    locale = graphene.String(description="The language Discovery answered in, such as en-us.")
    city = graphene.String(description="The venue's city, such as New York.")
    state = graphene.String(description="The venue's state or province code, such as NY.")
    country = graphene.String(description="The venue's country code (ISO 3166-1 alpha-2), such as US.")
    zip = graphene.String(description="The venue's postal code, such as 10001.")
    timezone = graphene.String(description="The venue's IANA time zone, such as America/New_York.")
    point = graphene.Field(GeoPoint, description="Where the venue is, in WGS 84 degrees.")


class LocalizedUrl(graphene.ObjectType):
    """A URL in one locale, such as a promoter's privacy policy in French."""

    locale = graphene.String(description="The locale in language_REGION form, such as en_US or fr_CA.")
    url = graphene.String(description="The page's address (https).")
    is_default = graphene.Boolean(description="True for the URL shown when the fan's locale has none.")


class PromoterDate(graphene.ObjectType):
    """When a promoter was created and last changed."""

    created = graphene.String(
        description="When the promoter was created, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )
    updated = graphene.String(
        description="When the promoter was last changed, UTC ISO-8601 date-time (2017-06-18T23:00:00Z)."
    )


class Promoter(graphene.ObjectType):
    """A promoter of shows whose privacy policy fans accept when they register for its markets."""

    id = graphene.String(description="The promoter id (24 hex characters).")
    name = graphene.String(description="The promoter's name, such as Live Nation.")
    privacyUrls = graphene.List(LocalizedUrl, description="The promoter's privacy policy, per locale.")
    date = graphene.Field(PromoterDate, description="When the promoter was created and last changed.")

    @staticmethod
    def resolve_privacyUrls(promoter, info):
        return promoter.privacy_urls

    @staticmethod
    def resolve_date(promoter, info):
        return {"created": iso(promoter.date_created), "updated": iso(promoter.date_updated)}


class Identity(graphene.ObjectType):
    """Settings of the Ticketmaster Identity sign-in widget a fan site loads (chosen by the request's host)."""

    url = graphene.String(description="URL of the widget's script (https), per brand: TM, Live Nation, Canada, Mexico.")
    version = graphene.ID(description="The widget version to load, such as 2.")
    integratorId = graphene.ID(description="Our integrator id the widget identifies the fan site with.")
    placementId = graphene.ID(description="The placement id the widget reports sign-ins under.")


class Ppc(graphene.ObjectType):
    """Settings of the Privacy and Consent (PPC) widget a fan site loads."""

    url = graphene.String(description="URL of the widget's script (https).")
    id = graphene.ID(description="The widget's site id, as the consent provider issued it.")
    token = graphene.ID(description="The public token the widget authenticates the site with.")
