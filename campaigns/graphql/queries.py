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
from monoql.reasons import operation_doc


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
    identity = graphene.Field(
        Identity,
        resolver=resolve_identity,
        description=operation_doc(
            "Configuration of the Ticketmaster Identity sign-in widget for the request's host (TM, Live Nation, Canada, Mexico, or the default).",
            "anyone",
        ),
    )
    ppc = graphene.Field(
        Ppc,
        resolver=resolve_ppc,
        description=operation_doc(
            "Configuration of the Privacy and Consent (PPC) widget for the request's host.", "anyone"
        ),
    )
    searchArtists = graphene.List(
        DiscoveryArtist,
        query=graphene.String(required=True),
        limit=graphene.Int(default_value=20),
        skip=graphene.Int(default_value=0),
        resolver=resolve_search_artists,
        description=operation_doc(
            "Search artists by name in Ticketmaster Discovery (or the loaded Discovery files), paged with limit and skip.",
            "staff (supreme users or anyone with an action on a campaign)",
            "notLoggedIn",
            "ADMIN_REQUIRED",
        ),
    )
    searchVenues = graphene.List(
        DiscoveryVenue,
        query=graphene.String(required=True),
        limit=graphene.Int(default_value=20),
        skip=graphene.Int(default_value=0),
        resolver=resolve_search_venues,
        description=operation_doc(
            "Search venues by name in Ticketmaster Discovery (or the loaded Discovery files), paged with limit and skip.",
            "staff (supreme users or anyone with an action on a campaign)",
            "notLoggedIn",
            "ADMIN_REQUIRED",
        ),
    )
    searchContacts = graphene.List(
        JSON,
        query=graphene.String(required=True),
        limit=graphene.Int(default_value=10),
        skip=graphene.Int(default_value=0),
        resolver=resolve_search_contacts,
        description=operation_doc(
            "Search the campaign contacts (name or email), paged with limit and skip.",
            "supreme users",
            "notLoggedIn",
            "SUPREME_USER_REQUIRED",
        ),
    )
    promoters = graphene.List(
        Promoter,
        resolver=resolve_promoters,
        description=operation_doc(
            "Every promoter, by name.",
            "staff (supreme users or anyone with an action on a campaign)",
            "notLoggedIn",
            "ADMIN_REQUIRED",
        ),
    )
