"""Viewer-specific campaign fields: ``entry`` and ``eligibility`` (one entry query per campaign and request)."""

from entries.selectors import entry_for, registration_eligibility
from monoql.dates import iso
from monoql.graphql.context import current_fan

_MISSING = object()


def _cached_entry(info, campaign, fan):
    cache = info.context.__dict__.setdefault("_viewer_entries", {})
    key = (campaign.pk, fan.pk)
    if key not in cache:
        cache[key] = entry_for(campaign.pk, fan.pk)
    return cache[key]


def viewer_entry(info, campaign):
    """Return ``CampaignEntry {date, attributes, fields}`` of the signed-in fan, or None."""
    fan = current_fan(info)
    if fan is None:
        return None
    entry = _cached_entry(info, campaign, fan)
    if entry is None:
        return None
    return {
        "date": {
            "created": iso(entry.date_created),
            "updated": iso(entry.date_updated),
            "phoneConfirmed": iso(entry.date_phone_confirmed),
        },
        "attributes": entry.attributes,
        "fields": entry.fields,
    }


def viewer_eligibility(info, campaign):
    """Return ``Eligibility {isEligible, reason}`` for the caller (anonymous callers too)."""
    fan = current_fan(info)
    has_entry = fan is not None and _cached_entry(info, campaign, fan) is not None
    result = registration_eligibility(campaign, fan, has_entry=has_entry)
    return {"isEligible": result.is_eligible, "reason": result.reason}
