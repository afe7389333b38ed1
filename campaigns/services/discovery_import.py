"""Turn a Discovery API v2 events response into a campaign (artist, one market per venue).

Rules (issue "Walking skeleton", item 4):
- The artist is the chosen attraction (by id or name; by default the attraction that heads the most
  events); only events featuring it are imported.
- One market per venue; a venue hosting several events becomes one market with all event ids,
  earliest date first. Market name ``City, ST`` (``City, ST - Venue`` when two venues share a city).
- City/state/country/timezone/coordinates come from the venue; ``event.date`` is the earliest start.
- Presales are the ``sales.presales`` that start before the public on-sale: the market's
  ``presaleDateTime`` is its earliest presale start; the campaign's presale window spans all of them;
  ``generalOnsale`` is the earliest ``sales.public.startDateTime``.
- Re-running updates in place (campaign by ``--campaign``, else the artist's campaign on that domain or
  with that name; markets by venue)
  and never duplicates. Everything is written in one transaction, or nothing on error.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import transaction

from campaigns.models import Artist, Campaign, CampaignLocale, CampaignStatus, Market, Venue
from campaigns.reasons import CampaignsReason
from monoql.audit import Actor, record
from monoql.dates import parse_iso
from monoql.errors import NotFound, ValidationFailed
from monoql.locales import DEFAULT_LOCALE


class DiscoveryImportError(ValidationFailed):
    """The input cannot be imported; ``message`` is one line a person can act on."""


@dataclass
class VenueGroup:
    """Events of one venue, gathered for one market."""

    venue: dict
    events: list = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did."""

    campaign: Campaign
    created: bool
    markets_created: int
    markets_updated: int


def load_events_document(text: str) -> list[dict]:
    """Parse a Discovery response and return its events (a page ``_embedded.events`` or a single event).

    Raises: DiscoveryImportError for text that is not JSON or JSON that is not an events response.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DiscoveryImportError(
            f"not JSON: {error.msg} at line {error.lineno}", reason=CampaignsReason.NOT_JSON
        ) from error
    except UnicodeDecodeError as error:
        raise DiscoveryImportError(f"not JSON: {error.reason}", reason=CampaignsReason.NOT_JSON) from error
    if not isinstance(document, dict):
        raise DiscoveryImportError(
            "not a Discovery events response: top level is not an object", reason=CampaignsReason.NOT_EVENTS
        )
    found_embedded = document.get("_embedded")
    embedded: dict = found_embedded if isinstance(found_embedded, dict) else {}
    if isinstance(embedded.get("events"), list):
        events = embedded["events"]
    elif "dates" in document and isinstance(embedded.get("venues"), list):
        events = [document]
    else:
        found = ", ".join(sorted(embedded)) or ", ".join(sorted(document)[:5])
        raise DiscoveryImportError(
            f"not a Discovery events response (found: {found})", reason=CampaignsReason.NOT_EVENTS
        )
    events = [event for event in events if isinstance(event, dict) and event.get("id")]
    if not events:
        raise DiscoveryImportError("the events response holds no events", reason=CampaignsReason.NO_EVENTS)
    return events


def _attractions(event):
    return [a for a in ((event.get("_embedded") or {}).get("attractions") or []) if isinstance(a, dict) and a.get("id")]


def choose_attraction(events: list[dict], wanted: str | None) -> dict:
    """Return the attraction matching ``wanted`` (id, or name case-insensitively), or the one heading most events.

    Raises: DiscoveryImportError when ``wanted`` matches no attraction, or no event has attractions.
    """
    seen: dict[str, dict] = {}
    for event in events:
        for attraction in _attractions(event):
            seen.setdefault(attraction["id"], attraction)
    if wanted:
        for attraction in seen.values():
            if attraction["id"] == wanted or attraction.get("name", "").lower() == wanted.strip().lower():
                return attraction
        raise DiscoveryImportError(
            f"no attraction matches '{wanted}' in this file", reason=CampaignsReason.NO_ATTRACTION, field="attraction"
        )
    heads = Counter(_attractions(event)[0]["id"] for event in events if _attractions(event))
    if not heads:
        raise DiscoveryImportError(
            "no event in this file names an attraction; pass --attraction", reason=CampaignsReason.NO_ATTRACTION
        )
    return seen[heads.most_common(1)[0][0]]


def event_start(event) -> datetime | None:
    """The event's UTC start (``dates.start.dateTime``, else its local date at 00:00 UTC), or None."""
    start = (event.get("dates") or {}).get("start") or {}
    return parse_iso(start.get("dateTime") or start.get("localDate"))


def _presales(event):
    sales = event.get("sales") or {}
    public_start = parse_iso((sales.get("public") or {}).get("startDateTime"))
    windows = []
    for presale in sales.get("presales") or []:
        start, end = parse_iso(presale.get("startDateTime")), parse_iso(presale.get("endDateTime"))
        if start and (public_start is None or start < public_start):
            windows.append((start, end))
    return public_start, windows


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def group_by_venue(events: list[dict]) -> list[VenueGroup]:
    """Group events by venue id; events sorted by start date, groups by their first event."""
    groups: dict[str, VenueGroup] = {}
    for event in events:
        venues = (event.get("_embedded") or {}).get("venues") or []
        if not venues or not venues[0].get("id"):
            continue
        venue = venues[0]
        groups.setdefault(venue["id"], VenueGroup(venue=venue)).events.append(event)
    far = datetime.max.replace(tzinfo=UTC)
    for group in groups.values():
        group.events.sort(key=lambda e: event_start(e) or far)
    return sorted(
        groups.values(), key=lambda g: ((event_start(g.events[0]) or far).replace(tzinfo=None), g.venue["id"])
    )


def _market_names(groups) -> dict[str, str]:
    """Return ``{venueId: market name}``: ``City, ST``, or ``City, ST - Venue`` when two venues share a city."""
    base = {}
    for group in groups:
        venue = group.venue
        city = (venue.get("city") or {}).get("name", "")
        state = (venue.get("state") or {}).get("stateCode") or (venue.get("country") or {}).get("countryCode", "")
        base[venue["id"]] = f"{city}, {state}" if state else city or venue.get("name", venue["id"])
    counts = Counter(base.values())
    venue_names = {group.venue["id"]: group.venue.get("name", group.venue["id"]) for group in groups}
    return {vid: name if counts[name] == 1 else f"{name} - {venue_names[vid]}" for vid, name in base.items()}


def upsert_venue(data) -> Venue:
    """Create or update the ``Venue`` of a Discovery venue document (by its Discovery id)."""
    location = data.get("location") or {}
    venue, _ = Venue.objects.update_or_create(
        discovery_id=data["id"],
        defaults={
            "name": data.get("name", "")[:255],
            "city": (data.get("city") or {}).get("name", ""),
            "state": (data.get("state") or {}).get("stateCode") or (data.get("state") or {}).get("name", ""),
            "country": (data.get("country") or {}).get("countryCode", "")[:2],
            "postal_code": data.get("postalCode", "") or "",
            "timezone": data.get("timezone", "") or "",
            "latitude": _float(location.get("latitude")),
            "longitude": _float(location.get("longitude")),
        },
    )
    return venue


def upsert_artist(attraction) -> Artist:
    """Create or update the ``Artist`` of a Discovery attraction (by its Discovery id; largest image)."""
    images = [i for i in attraction.get("images") or [] if isinstance(i, dict) and i.get("url")]
    image = max(images, key=lambda i: i.get("width") or 0)["url"] if images else ""
    artist, _ = Artist.objects.update_or_create(
        discovery_id=attraction["id"],
        defaults={"name": attraction.get("name", attraction["id"])[:255], "image_url": image},
    )
    return artist


def _find_campaign(campaign_id, domain, artist, name):
    if campaign_id:
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None:
            raise NotFound(
                f"no campaign with id '{campaign_id}'", reason=CampaignsReason.CAMPAIGN_NOT_FOUND, field="campaign"
            )
        return campaign
    queryset = Campaign.objects.select_for_update().exclude(status=CampaignStatus.INACTIVE)
    if domain:
        found = queryset.filter(domain_site=domain, artist=artist).first()
        if found:
            return found
    return queryset.filter(artist=artist, name=name).order_by("date_created").first()


def import_discovery_events(
    text: str,
    *,
    attraction: str | None = None,
    name: str | None = None,
    domain: str | None = None,
    campaign_id: str | None = None,
    actor: Actor,
) -> ImportResult:
    """Import a Discovery events response as a registration campaign (see the module rules).

    Args:
        text: the response body (JSON text).
        attraction: attraction id or name to import; default: the one heading most events.
        name: campaign name; default: the most common event name of the attraction.
        domain: ``domain.site`` to set (lower-cased); must be free among non-INACTIVE campaigns.
        campaign_id: update this campaign instead of finding one.
        actor: who imported (one audit-log row, ``campaign.import``: created or updated, markets counted).
    Returns: ImportResult(campaign, created, markets_created, markets_updated).
    Raises:
        DiscoveryImportError: bad input (nothing written).
        NotFound: ``campaign_id`` does not exist.
        ValidationFailed: ``domain`` taken by another campaign (``DOMAIN_NAME_CONFLICT``).
    """
    events = load_events_document(text)
    chosen = choose_attraction(events, attraction)
    events = [event for event in events if any(a["id"] == chosen["id"] for a in _attractions(event))]
    groups = group_by_venue(events)
    if not groups:
        raise DiscoveryImportError("the attraction's events name no venue", reason=CampaignsReason.NO_VENUES)
    event_name = Counter(event.get("name", "") for event in events).most_common(1)[0][0]
    campaign_name = (name or event_name or chosen.get("name", "")).strip()[:255]
    prefix = f"{chosen.get('name', '')} - "
    tour_name = event_name[len(prefix) :] if event_name.startswith(prefix) else event_name
    domain = domain.strip().lower() if domain else None
    public_starts, presale_windows = [], []
    for event in events:
        public_start, windows = _presales(event)
        public_starts += [public_start] if public_start else []
        presale_windows += windows
    timezones = Counter((g.venue.get("timezone") or "") for g in groups)

    with transaction.atomic():
        artist = upsert_artist(chosen)
        campaign = _find_campaign(campaign_id, domain, artist, campaign_name)
        created = campaign is None
        campaign = campaign or Campaign(type="registration", status=CampaignStatus.DRAFT)
        if (
            domain
            and Campaign.objects.filter(domain_site=domain)
            .exclude(status=CampaignStatus.INACTIVE)
            .exclude(pk=campaign.pk)
            .exists()
        ):
            raise ValidationFailed(
                f"domain '{domain}' is already used by another campaign",
                reason=CampaignsReason.DOMAIN_NAME_CONFLICT,
                field="domain",
            )
        campaign.name = campaign_name
        campaign.artist = artist
        campaign.tour_name = tour_name[:255]
        campaign.reference_timezone = timezones.most_common(1)[0][0]
        if domain:
            campaign.domain_site = domain
        if presale_windows:
            campaign.date_presale_window_start = min(start for start, _ in presale_windows)
            ends = [end for _, end in presale_windows if end]
            campaign.date_presale_window_end = max(ends) if ends else None
        if public_starts:
            campaign.date_general_onsale = min(public_starts)
        campaign.save()

        existing = {m.venue.discovery_id: m for m in campaign.markets.select_related("venue") if m.venue}
        names = _market_names(groups)
        markets_created = markets_updated = 0
        for group in groups:
            venue = upsert_venue(group.venue)
            market = (
                existing.get(group.venue["id"])
                or Market.objects.filter(campaign=campaign, name=names[group.venue["id"]]).first()
            )
            if market is None:
                market = Market(campaign=campaign)
                markets_created += 1
            else:
                markets_updated += 1
            first = group.events[0]
            starts = [start for e in group.events for start, _ in _presales(e)[1]]
            promoters = sorted(
                {str((e.get("promoter") or {}).get("id")) for e in group.events if (e.get("promoter") or {}).get("id")}
            )
            market.name = names[group.venue["id"]]
            market.venue = venue
            market.city, market.state, market.country = venue.city, venue.state, venue.country
            market.timezone = venue.timezone or (first.get("dates") or {}).get("timezone", "")
            market.latitude, market.longitude = venue.latitude, venue.longitude
            market.event_ids = [e["id"] for e in group.events]
            market.event_name = first.get("name", "")[:255]
            market.event_date = event_start(first)
            market.event_presale_date_time = min(starts) if starts else None
            market.event_ticketer = market.event_ticketer or "TM"
            market.event_venue_name = venue.name
            market.event_link = (first.get("url") or "")[:1000]
            market.promoter_ids = promoters
            market.save()
        if not campaign.locales.exists():
            # A new campaign gets its default locale at once, with a title staff then write the page from.
            CampaignLocale.objects.create(
                campaign=campaign, locale=DEFAULT_LOCALE, is_default=True, content={"meta": {"title": campaign.name}}
            )
        record(
            actor,
            "campaign.import",
            campaign_id=campaign.pk,
            target=f"campaign:{campaign.pk}",
            changes={
                "created": created,
                "attraction": chosen.get("id"),
                "marketsCreated": markets_created,
                "marketsUpdated": markets_updated,
            },
        )
        return ImportResult(campaign, created, markets_created, markets_updated)
