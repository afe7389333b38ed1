"""Selection's part of ``RegistrationCampaign``: the viewer's entry and eligibility with the selection result.

After selection ``entry.attributes.selection`` holds the fan's result (``fan_selection``: selected market
and the code once revealed, or waitlisted), ``entry.date.selected`` the time the code was assigned, and
``eligibility.reason`` says ``SELECTED`` or ``WAITLISTED``.
"""

from entries.graphql.campaign_fields import RegistrationCampaignEntryFields
from entries.graphql.resolvers import viewer_eligibility, viewer_entry, viewer_entry_row
from entries.selection.selectors import fan_selection
from monoql.graphql.context import memos


def _cached_selection(info, campaign, entry):
    cache = memos(info).viewer_selections
    if entry.pk not in cache:
        cache[entry.pk] = fan_selection(campaign, entry)
    return cache[entry.pk]


class RegistrationCampaignSelectionFields(RegistrationCampaignEntryFields):
    """``RegistrationCampaignEntryFields`` whose ``entry`` and ``eligibility`` also tell the selection result."""

    @staticmethod
    def resolve_entry(campaign, info):
        document = viewer_entry(info, campaign)
        if document is None:
            return None
        selection = _cached_selection(info, campaign, viewer_entry_row(info, campaign))
        if selection is not None:
            document["attributes"] = {**(document["attributes"] or {}), "selection": selection}
            if selection.get("assigned"):
                document["date"]["selected"] = selection["assigned"]
        return document

    @staticmethod
    def resolve_eligibility(campaign, info):
        answer = viewer_eligibility(info, campaign)
        entry = viewer_entry_row(info, campaign)
        if entry is not None and answer["isEligible"]:
            selection = _cached_selection(info, campaign, entry)
            if selection is not None:
                answer["reason"] = selection["status"].upper()
        return answer
