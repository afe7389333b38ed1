"""Exports carry fans' personal data: the ``report`` action on the campaign (or supreme)."""

from accounts.permissions import require_campaign_action
from accounts.session import require_fan
from campaigns.selectors import campaign_or_404


def reporter(info, campaign_id):
    """Return the caller allowed to export the campaign.

    Raises Unauthenticated / Forbidden, then NotFound ``CampaignNotFound`` (checked after the permission, so
    ids are not probed).
    """
    fan = require_fan(info)
    require_campaign_action(fan, str(campaign_id), "report")
    campaign_or_404(campaign_id, reason="CampaignNotFound")
    return fan
