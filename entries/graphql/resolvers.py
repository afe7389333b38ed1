"""Viewer-specific campaign fields: ``entry`` and ``eligibility`` (one entry query per campaign and request)."""

from accounts.session import current_fan
from entries.graphql.queries import score_bound
from entries.metrics import eligible_counts
from entries.selectors import entry_for, viewer_eligibility_answer
from monoql.dates import iso
from monoql.graphql.context import memos

_MISSING = object()


def _cached_entry(info, campaign, fan):
    cache = memos(info).viewer_entries
    key = (campaign.pk, fan.pk)
    if key not in cache:
        cache[key] = entry_for(campaign.pk, fan.pk)
    return cache[key]


def viewer_entry_row(info, campaign):
    """Return the signed-in fan's ``Entry`` in ``campaign`` (one query per campaign and request), or None."""
    fan = current_fan(info)
    return _cached_entry(info, campaign, fan) if fan is not None else None


def viewer_entry(info, campaign):
    """Return ``CampaignEntry {date, attributes, fields}`` of the signed-in fan, or None.

    Selection adds the fan's result on top (``entries.selection.graphql.campaign_fields``).
    """
    fan = current_fan(info)
    if fan is None:
        return None
    entry = _cached_entry(info, campaign, fan)
    if entry is None:
        return None
    date = {
        "created": iso(entry.date_created),
        "updated": iso(entry.date_updated),
        "phoneConfirmed": iso(entry.date_phone_confirmed),
    }
    return {"date": date, "attributes": entry.attributes, "fields": entry.fields}


def viewer_eligibility(info, campaign):
    """Return ``Eligibility {isEligible, reason}`` for the caller (anonymous callers too).

    ``viewer_eligibility_answer``: blocked entries, phones unconfirmed at close, closed campaigns without an
    entry and gates each answer false with their reason; selection turns the reason into
    ``SELECTED``/``WAITLISTED`` on top (for eligible entries).
    """
    fan = current_fan(info)
    entry = _cached_entry(info, campaign, fan) if fan is not None else None
    result = viewer_eligibility_answer(campaign, fan, entry)
    return {"isEligible": result.is_eligible, "reason": result.reason}


def eligible_counts_for_staff(info, campaign, market_ids, include_prev_selected, min_score, max_score):
    """``eligibileCounts``: staff with ``read`` on the campaign (catalog §3.6.5)."""
    return eligible_counts(
        campaign,
        market_ids=market_ids,
        include_prev_selected=bool(include_prev_selected),
        min_score=score_bound(min_score, "minScore"),
        max_score=score_bound(max_score, "maxScore"),
    )
