"""Ticketmaster Discovery API v2 client (``GET /attractions.json``, ``GET /venues.json``) and its mappings.

Responses have the shape of ``../shared/data/discovery/`` (``_embedded.attractions|venues``, ``page``);
coordinates are strings there. The client raises ``DiscoveryUnavailable`` on timeouts, connection
errors, non-2xx answers and bodies that are not Discovery pages, so callers can fall back.
"""

import requests
from django.conf import settings


class DiscoveryUnavailable(Exception):
    """The Discovery API could not answer (network, status, body)."""


def _get(resource: str, keyword: str, size: int, page: int) -> list[dict]:
    url = f"{settings.DISCOVERY_API_URL.rstrip('/')}/{resource}.json"
    params = {"keyword": keyword, "size": size, "page": page, "apikey": settings.DISCOVERY_API_KEY}
    try:
        response = requests.get(url, params=params, timeout=settings.DISCOVERY_TIMEOUT_SECONDS)
        response.raise_for_status()
        body = response.json()
    except (requests.RequestException, ValueError) as error:
        raise DiscoveryUnavailable(f"{resource}: {error}") from error
    if not isinstance(body, dict) or "page" not in body:
        raise DiscoveryUnavailable(f"{resource}: not a Discovery page")
    items = (body.get("_embedded") or {}).get(resource) or []
    return [item for item in items if isinstance(item, dict) and item.get("id")]


def fetch_attractions(keyword: str, size: int, page: int) -> list[dict]:
    """Return the attraction documents of one search page. Raises DiscoveryUnavailable."""
    return _get("attractions", keyword, size, page)


def fetch_venues(keyword: str, size: int, page: int) -> list[dict]:
    """Return the venue documents of one search page. Raises DiscoveryUnavailable."""
    return _get("venues", keyword, size, page)


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _best_image(doc: dict) -> str | None:
    images = [i for i in doc.get("images") or [] if isinstance(i, dict) and i.get("url")]
    return max(images, key=lambda i: i.get("width") or 0)["url"] if images else None


def artist_from_attraction(doc: dict) -> dict:
    """Map an attraction document to ``DiscoveryArtist {id, discovery_id, name, image_url, needs_id}``."""
    return {
        "id": doc["id"],
        "discovery_id": doc["id"],
        "name": doc.get("name"),
        "image_url": _best_image(doc),
        "needs_id": False,
    }


def venue_from_document(doc: dict) -> dict:
    """Map a venue document to ``DiscoveryVenue`` (city/state/country codes, zip, IANA time zone, point)."""
    location = doc.get("location") or {}
    lat, lng = _float(location.get("latitude")), _float(location.get("longitude"))
    state = doc.get("state") or {}
    return {
        "id": doc["id"],
        "discovery_id": doc["id"],
        "name": doc.get("name"),
        "image_url": _best_image(doc),
        "needs_id": False,
        "locale": doc.get("locale"),
        "city": (doc.get("city") or {}).get("name"),
        "state": state.get("stateCode") or state.get("name"),
        "country": (doc.get("country") or {}).get("countryCode"),
        "zip": doc.get("postalCode"),
        "timezone": doc.get("timezone"),
        "point": {"latitude": lat, "longitude": lng} if lat is not None and lng is not None else None,
    }
