"""Viewer-specific campaign fields: ``entry`` and ``eligibility`` (one entry query per campaign and request)."""

from entries.selection_selectors import fan_selection
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


def _cached_selection(info, campaign, entry):
    cache = info.context.__dict__.setdefault("_viewer_selections", {})
    if entry.pk not in cache:
        cache[entry.pk] = fan_selection(campaign, entry)
    return cache[entry.pk]


def viewer_entry(info, campaign):
    """Return ``CampaignEntry {date, attributes, fields}`` of the signed-in fan, or None.

    After selection ``attributes.selection`` holds the fan's result (``fan_selection``: selected market and
    the code once revealed, or waitlisted) and ``date.selected`` when the code was assigned.
    """
    fan = current_fan(info)
    if fan is None:
        return None
    entry = _cached_entry(info, campaign, fan)
    if entry is None:
        return None
    selection = _cached_selection(info, campaign, entry)
    date = {
        "created": iso(entry.date_created),
        "updated": iso(entry.date_updated),
        "phoneConfirmed": iso(entry.date_phone_confirmed),
    }
    attributes = entry.attributes
    if selection is not None:
        attributes = {**(attributes or {}), "selection": selection}
        if selection.get("assigned"):
            date["selected"] = selection["assigned"]
    return {"date": date, "attributes": attributes, "fields": entry.fields}


def viewer_eligibility(info, campaign):
    """Return ``Eligibility {isEligible, reason}`` for the caller (anonymous callers too).

    A fan with an entry is eligible; after selection the reason says ``SELECTED`` or ``WAITLISTED``.
    """
    fan = current_fan(info)
    entry = _cached_entry(info, campaign, fan) if fan is not None else None
    result = registration_eligibility(campaign, fan, has_entry=entry is not None)
    reason = result.reason
    if entry is not None:
        selection = _cached_selection(info, campaign, entry)
        if selection is not None:
            reason = selection["status"].upper()
    return {"isEligible": result.is_eligible, "reason": reason}


def eligible_counts_for_staff(info, campaign, market_ids, include_prev_selected, min_score, max_score):
    """``eligibileCounts``: staff with ``read`` on the campaign (catalog §3.6.5)."""
    from accounts.permissions import require_campaign_action
    from entries.graphql.queries import score_bound
    from entries.metrics import eligible_counts
    from monoql.graphql.context import require_fan

    require_campaign_action(require_fan(info), campaign.pk, "read")
    return eligible_counts(
        campaign,
        market_ids=market_ids,
        include_prev_selected=bool(include_prev_selected),
        min_score=score_bound(min_score, "minScore"),
        max_score=score_bound(max_score, "maxScore"),
    )
