"""The local Discovery catalog: every artist, venue and event of the Discovery v2 files it is given.

Without ``DISCOVERY_API_KEY`` this is what staff search (``searchArtists``, ``searchVenues``, the admin's
import page): ``load_discovery_files`` reads each file — an events page or a single event, an attraction
search or a single attraction, a venue search or a single venue — and upserts the artists and venues
(``Artist``, ``Venue``) and events (``DiscoveryEvent``). ``make run`` loads ``DISCOVERY_DATA_DIR``
(``../shared/data/discovery/``); staff add files from the admin. Importing events as markets is
``discovery_import.import_discovery_events``, the same service as ``manage.py import_discovery_events``.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from campaigns.models import DiscoveryEvent
from campaigns.reasons import CampaignsReason
from campaigns.services.discovery_import import DiscoveryImportError, event_start, upsert_artist, upsert_venue


def _documents(document: dict, key: str) -> list[dict]:
    embedded = document.get("_embedded")
    found = embedded.get(key) if isinstance(embedded, dict) else None
    return [item for item in found if isinstance(item, dict) and item.get("id")] if isinstance(found, list) else []


def _kind(document: dict) -> str:
    """``events``, ``attractions`` or ``venues`` for a page; ``event``/``attraction``/``venue`` for one item."""
    for key in ("events", "attractions", "venues"):
        if _documents(document, key):
            return key
    kind = (document.get("type") or "").lower()
    if kind in ("event", "attraction", "venue"):
        return kind
    if "dates" in document:
        return "event"
    return ""


def load_discovery_text(text: str) -> dict:
    """Add one Discovery v2 response to the catalog.

    Returns: ``{"events": n, "artists": n, "venues": n}`` upserted.
    Raises: DiscoveryImportError ``NOT_JSON`` / ``NOT_DISCOVERY`` (nothing written).
    """
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DiscoveryImportError(f"not JSON: {error}", reason=CampaignsReason.NOT_JSON) from error
    if not isinstance(document, dict) or not _kind(document):
        raise DiscoveryImportError(
            "not a Discovery v2 events, attractions or venues response", reason=CampaignsReason.NOT_DISCOVERY
        )
    kind = _kind(document)
    counts = {"events": 0, "artists": 0, "venues": 0}
    with transaction.atomic():
        if kind in ("events", "event"):
            for event in _documents(document, "events") if kind == "events" else [document]:
                _load_event(event, counts)
        elif kind in ("attractions", "attraction"):
            for attraction in _documents(document, "attractions") if kind == "attractions" else [document]:
                upsert_artist(attraction)
                counts["artists"] += 1
        else:
            for venue in _documents(document, "venues") if kind == "venues" else [document]:
                upsert_venue(venue)
                counts["venues"] += 1
    return counts


def _load_event(event: dict, counts: dict) -> None:
    attractions = _documents(event, "attractions")
    venues = _documents(event, "venues")
    for attraction in attractions:
        upsert_artist(attraction)
        counts["artists"] += 1
    for venue in venues:
        upsert_venue(venue)
        counts["venues"] += 1
    DiscoveryEvent.objects.update_or_create(
        discovery_id=event["id"],
        defaults={
            "name": (event.get("name") or event["id"])[:255],
            "attraction_ids": [attraction["id"] for attraction in attractions],
            "venue_discovery_id": venues[0]["id"] if venues else "",
            "start": event_start(event),
            "document": event,
        },
    )
    counts["events"] += 1


def load_discovery_files(directory: str | Path | None = None) -> dict:
    """Load every ``*.json`` Discovery file of ``directory`` (default ``DISCOVERY_DATA_DIR``) into the catalog.

    Returns: the summed counts of ``load_discovery_text``; a directory that does not exist loads nothing.
    Files that are not Discovery responses are skipped.
    """
    folder = Path(directory or settings.DISCOVERY_DATA_DIR)
    totals = {"events": 0, "artists": 0, "venues": 0, "files": 0}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            counts = load_discovery_text(path.read_text())
        except DiscoveryImportError:
            continue
        totals["files"] += 1
        for key, value in counts.items():
            totals[key] += value
    return totals


def events_text(event_ids: list[str]) -> str:
    """The catalog events ``event_ids`` as one Discovery events page (JSON text), in start order: what
    ``import_discovery_events`` reads."""
    events = [row.document for row in DiscoveryEvent.objects.filter(discovery_id__in=event_ids).order_by("start")]
    return json.dumps({"_embedded": {"events": events}})
