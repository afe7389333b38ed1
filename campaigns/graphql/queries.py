"""Root queries of the campaign service (catalog §1.2): search, promoters, identity, ppc."""

import graphene

from accounts.permissions import require_supreme
from accounts.session import require_fan
from accounts.widgets import identity_config, ppc_config
from campaigns.graphql.admin_access import require_staff
from campaigns.graphql.search_types import DiscoveryArtist, DiscoveryVenue, Identity, Ppc, Promoter
from campaigns.selectors import list_promoters
from campaigns.services.search import search_artists, search_contacts, search_venues
from monoql.graphql.scalars import JSON


def resolve_search_artists(root, info, query, limit=20, skip=0):
    """Discovery artists matching ``query`` (staff)."""
    require_staff(info)
    return search_artists(query, limit=limit, skip=skip)


def resolve_search_venues(root, info, query, limit=20, skip=0):
    """Discovery venues matching ``query`` (staff)."""
    require_staff(info)
    return search_venues(query, limit=limit, skip=skip)


def resolve_search_contacts(root, info, query, limit=10, skip=0):
    """Contacts matching ``query`` (supreme, catalog §3.3)."""
    require_supreme(require_fan(info))
    return search_contacts(query, limit=limit, skip=skip)


def resolve_promoters(root, info):
    """Every promoter (staff)."""
    require_staff(info)
    return list_promoters()


def resolve_identity(root, info):
    """Identity-widget configuration for the request's host (public)."""
    return identity_config(info.context.get_host())


def resolve_ppc(root, info):
    """Privacy-consent widget configuration for the request's host (public)."""
    return ppc_config(info.context.get_host())


class CampaignQuery(graphene.ObjectType):
    identity = graphene.Field(Identity, resolver=resolve_identity)
    ppc = graphene.Field(Ppc, resolver=resolve_ppc)
    searchArtists = graphene.List(
        DiscoveryArtist,
        query=graphene.String(required=True),
        limit=graphene.Int(default_value=20),
        skip=graphene.Int(default_value=0),
        resolver=resolve_search_artists,
    )
    searchVenues = graphene.List(
        DiscoveryVenue,
        query=graphene.String(required=True),
        limit=graphene.Int(default_value=20),
        skip=graphene.Int(default_value=0),
        resolver=resolve_search_venues,
    )
    searchContacts = graphene.List(
        JSON,
        query=graphene.String(required=True),
        limit=graphene.Int(default_value=10),
        skip=graphene.Int(default_value=0),
        resolver=resolve_search_contacts,
    )
    promoters = graphene.List(Promoter, resolver=resolve_promoters)
