"""Root queries of the campaign service (catalog §1.2): search, promoters, identity, ppc."""

import graphene

from accounts.graphql.access import ANYONE, STAFF, SUPREME, Operation
from accounts.widgets import identity_config, ppc_config
from campaigns.graphql.search_types import DiscoveryArtist, DiscoveryVenue, Identity, Ppc, Promoter
from campaigns.selectors import list_promoters
from campaigns.services.search import search_artists, search_contacts, search_venues
from monoql.graphql.scalars import JSON


def resolve_search_artists(root, info, query, limit=20, skip=0):
    """Discovery artists matching ``query`` (staff)."""
    return search_artists(query, limit=limit, skip=skip)


def resolve_search_venues(root, info, query, limit=20, skip=0):
    """Discovery venues matching ``query`` (staff)."""
    return search_venues(query, limit=limit, skip=skip)


def resolve_search_contacts(root, info, query, limit=10, skip=0):
    """Contacts matching ``query`` (supreme, catalog §3.3)."""
    return search_contacts(query, limit=limit, skip=skip)


def resolve_promoters(root, info):
    """Every promoter (staff)."""
    return list_promoters()


def resolve_identity(root, info):
    """Identity-widget configuration for the request's host (public)."""
    return identity_config(info.context.get_host())


def resolve_ppc(root, info):
    """Privacy-consent widget configuration for the request's host (public)."""
    return ppc_config(info.context.get_host())


class CampaignQuery(graphene.ObjectType):
    identity = Operation(
        Identity,
        resolver=resolve_identity,
        access=ANYONE,
        summary="Configuration of the Ticketmaster Identity sign-in widget for the request's host (TM, Live Nation, Canada, Mexico, or the default).",
    )
    ppc = Operation(
        Ppc,
        resolver=resolve_ppc,
        access=ANYONE,
        summary="Configuration of the Privacy and Consent (PPC) widget for the request's host.",
    )
    searchArtists = Operation(
        graphene.List(DiscoveryArtist),
        query=graphene.String(required=True),
        limit=graphene.Int(default_value=20),
        skip=graphene.Int(default_value=0),
        resolver=resolve_search_artists,
        access=STAFF,
        summary="Search artists by name in Ticketmaster Discovery (or the loaded Discovery files), paged with limit and skip.",
    )
    searchVenues = Operation(
        graphene.List(DiscoveryVenue),
        query=graphene.String(required=True),
        limit=graphene.Int(default_value=20),
        skip=graphene.Int(default_value=0),
        resolver=resolve_search_venues,
        access=STAFF,
        summary="Search venues by name in Ticketmaster Discovery (or the loaded Discovery files), paged with limit and skip.",
    )
    searchContacts = Operation(
        graphene.List(JSON),
        query=graphene.String(required=True),
        limit=graphene.Int(default_value=10),
        skip=graphene.Int(default_value=0),
        resolver=resolve_search_contacts,
        access=SUPREME,
        summary="Search the campaign contacts (name or email), paged with limit and skip.",
    )
    promoters = Operation(
        graphene.List(Promoter),
        resolver=resolve_promoters,
        access=STAFF,
        summary="Every promoter, by name.",
    )
