"""Artist and venue search (catalog §1.2 ``searchArtists``/``searchVenues``, §2.1 ``GET /artists``/``/venues``).

With ``DISCOVERY_API_KEY`` set, the Discovery API is asked (answers cached ``SEARCH_CACHE_TTL`` seconds
under ``discovery:<kind>:<query>:<limit>:<skip>``); without a key, or when Discovery is unavailable, the
local catalog filled by ``import_discovery_events`` answers, so search works offline.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q

from campaigns import discovery
from campaigns.models import Artist, Contact, Venue
from campaigns.selectors import contact_document

logger = logging.getLogger("monoql.discovery")
MAX_LIMIT = 100


def _bounds(limit, skip) -> tuple[int, int]:
    return max(1, min(int(limit or 20), MAX_LIMIT)), max(0, int(skip or 0))


def _remote(kind: str, fetch, mapper, query: str, limit: int, skip: int):
    if not settings.DISCOVERY_API_KEY:
        return None
    key = f"discovery:{kind}:{query.lower()}:{limit}:{skip}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        # Discovery pages by page number: skip is rounded down to a whole page of ``limit``.
        docs = fetch(query, limit, skip // limit)
    except discovery.DiscoveryUnavailable as error:
        logger.warning("discovery search failed, answering from the local catalog: %s", error)
        return None
    results = [mapper(doc) for doc in docs]
    cache.set(key, results, timeout=settings.SEARCH_CACHE_TTL)
    return results


def _local_artist(artist: Artist) -> dict:
    return {
        "id": artist.pk,
        "discovery_id": artist.discovery_id,
        "name": artist.name,
        "image_url": artist.image_url or None,
        "needs_id": artist.needs_id,
    }


def _local_venue(venue: Venue) -> dict:
    point = None
    if venue.latitude is not None and venue.longitude is not None:
        point = {"latitude": venue.latitude, "longitude": venue.longitude}
    return {
        "id": venue.pk,
        "discovery_id": venue.discovery_id,
        "name": venue.name,
        "image_url": None,
        "needs_id": False,
        "locale": None,
        "city": venue.city or None,
        "state": venue.state or None,
        "country": venue.country or None,
        "zip": venue.postal_code or None,
        "timezone": venue.timezone or None,
        "point": point,
    }


def search_artists(query: str, *, limit: int = 20, skip: int = 0) -> list[dict]:
    """Return up to ``limit`` ``DiscoveryArtist`` objects matching ``query`` (Discovery, else local catalog)."""
    query = (query or "").strip()
    limit, skip = _bounds(limit, skip)
    remote = _remote("artists", discovery.fetch_attractions, discovery.artist_from_attraction, query, limit, skip)
    if remote is not None:
        return remote
    rows = Artist.objects.filter(name__icontains=query).order_by("name", "pk")[skip : skip + limit]
    return [_local_artist(artist) for artist in rows]


def search_venues(query: str, *, limit: int = 20, skip: int = 0) -> list[dict]:
    """Return up to ``limit`` ``DiscoveryVenue`` objects matching ``query`` by name or city."""
    query = (query or "").strip()
    limit, skip = _bounds(limit, skip)
    remote = _remote("venues", discovery.fetch_venues, discovery.venue_from_document, query, limit, skip)
    if remote is not None:
        return remote
    rows = Venue.objects.filter(Q(name__icontains=query) | Q(city__icontains=query)).order_by("name", "pk")
    return [_local_venue(venue) for venue in rows[skip : skip + limit]]


def search_contacts(query: str, *, limit: int = 10, skip: int = 0) -> list[dict]:
    """Return contacts ``{_id, name, email, keyword[]}`` whose name, email or keywords match ``query``."""
    query = (query or "").strip()
    limit, skip = max(1, min(int(limit or 10), MAX_LIMIT)), max(0, int(skip or 0))
    rows = Contact.objects.filter(
        Q(name__icontains=query) | Q(email__icontains=query) | Q(keyword__icontains=query)
    ).order_by("name", "pk")[skip : skip + limit]
    return [contact_document(contact) for contact in rows]
